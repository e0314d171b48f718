"""The naming conventions as data: extensions, folder words, expressions, release words.

The resolvers (``episodes``, ``movies``, ``extras``, ``stacking``, ``music``) hold no
convention of their own: what a name may look like is written here, the way Jellyfin
keeps its expressions in ``NamingOptions``. Sources: Jellyfin's, Kodi's and Plex's
naming documentation, guessit's documentation, the formats Sonarr and Radarr write,
and fansub release conventions. Every expression is matched case-insensitively.
"""

from __future__ import annotations

import re

I = re.IGNORECASE  # noqa: E741 - the one flag every expression here uses

# -- files --------------------------------------------------------------------
VIDEO_EXTENSIONS = frozenset(
    [
        "mkv",
        "mp4",
        "m4v",
        "avi",
        "mov",
        "wmv",
        "mpg",
        "mpeg",
        "ts",
        "m2ts",
        "mts",
        "webm",
        "flv",
        "ogv",
        "vob",
        "iso",
        "divx",
        "xvid",
        "3gp",
        "rmvb",
    ]
)
AUDIO_EXTENSIONS = frozenset(
    [
        "mp3",
        "flac",
        "ogg",
        "oga",
        "opus",
        "m4a",
        "aac",
        "wav",
        "wma",
        "alac",
        "aiff",
        "aif",
        "ape",
        "wv",
        "mka",
    ]
)

# -- extras (Jellyfin's and Plex's folder names and file suffixes) ----------------
#: Folder name (lower case) → extra type.
EXTRA_FOLDERS: dict[str, str] = {
    "behind the scenes": "behindthescenes",
    "behindthescenes": "behindthescenes",
    "deleted scenes": "deleted",
    "deleted": "deleted",
    "interviews": "interview",
    "interview": "interview",
    "scenes": "scene",
    "samples": "sample",
    "sample": "sample",
    "shorts": "short",
    "short": "short",
    "featurettes": "featurette",
    "featurette": "featurette",
    "clips": "clip",
    "other": "other",
    "others": "other",
    "extras": "extra",
    "extra": "extra",
    "trailers": "trailer",
    "trailer": "trailer",
    "theme-music": "theme",
    "backdrops": "backdrop",
}
#: Suffix words allowed after ``-``, ``.``, ``_`` or a space (Jellyfin: ``-trailer``,
#: ``.trailer``, ``_trailer``; the same for samples).
EXTRA_LOOSE_SUFFIXES = ("trailer", "sample")
#: Suffix words allowed only after ``-`` (``Film (2010) - scene`` is a version, not an extra).
EXTRA_STRICT_SUFFIXES = (
    "behindthescenes",
    "deletedscene",
    "deleted",
    "featurette",
    "interview",
    "scene",
    "short",
    "clip",
    "other",
    "extra",
    "theme",
)
#: Suffix word → extra type where they differ.
EXTRA_SUFFIX_TYPES = {"deletedscene": "deleted"}
#: Whole file stems that are extras of the folder's movie or show.
EXTRA_STEMS = {"trailer": "trailer", "sample": "sample", "theme": "theme", "backdrop": "backdrop"}
EXTRA_SUFFIX = re.compile(
    rf"(?:[-._ ](?P<loose>{'|'.join(EXTRA_LOOSE_SUFFIXES)})"
    rf"|-(?P<strict>{'|'.join(EXTRA_STRICT_SUFFIXES)}))(?:[-._ ]?\d{{1,2}})?$",
    I,
)

# -- folders ----------------------------------------------------------------------
SEASON_WORDS = "season|series|saison|staffel|temporada|stagione|seizoen|sezon|sæson|kausi"
#: ``Season 01``, ``S01``, ``Series 2``, ``Staffel 3``, ``Season 2023`` (a season written
#: as its year), with an optional trailing note (``Season 1 (2008)``, ``Season 2 [1080p]``).
SEASON_FOLDER = re.compile(
    rf"^(?:(?:{SEASON_WORDS})[ ._-]*|s)(\d{{1,4}})(?:\s*(?:[(\[].*|-\s.*))?$", I
)
#: ``1st Season``, ``Season One`` are rarer; the ordinal form is read.
ORDINAL_SEASON_FOLDER = re.compile(rf"^(\d{{1,2}})(?:st|nd|rd|th)[ ._-]+(?:{SEASON_WORDS})$", I)
SPECIALS_FOLDER = re.compile(r"^(?:specials?|season[ ._-]*specials|sp)$", I)
#: Under a ``shows`` root a bare number is a season folder (``Show/1/``, ``Show/2023/``).
BARE_SEASON_FOLDER = re.compile(r"^(\d{1,2}|(?:19|20)\d{2})$")
DISC_FOLDER = re.compile(r"^(?:cd|dvd|disc|disk)[ ._-]*(\d{1,2})$", I)
#: Folders that hold shows but are none (``Downloads/Show.S01E02.mkv``): the file names
#: its own show (Jellyfin, Plex and Sonarr's import folders; lower case).
CONTAINER_FOLDERS = frozenset(
    [
        "downloads",
        "download",
        "incoming",
        "complete",
        "completed",
        "new",
        "temp",
        "tmp",
        "tv",
        "tv shows",
        "tvshows",
        "shows",
        "series",
        "unsorted",
        "torrents",
        "recordings",
        "videos",
        "video",
        "media",
    ]
)

# -- episodes -----------------------------------------------------------------------
_B = r"(?<![a-z0-9])"  # a word starts here
#: A multi-episode continuation after the first episode: ``E02``, ``-E02``, ``-02``,
#: ``+E02``, ``&E02``, ``.S01E02``; repeated for ``S01E01E02E03``.
_MORE_SXE = r"(?:[ ._]*[-+&]?[ ._]*(?:s\d{1,4}[ ._-]*)?ep?\d{1,4}(?![0-9]))"
_DASH_NUMBER = r"(?:-(?!(?:480|576|720|1080|2160)[pi])\d{1,4}(?![0-9]|[pi](?![a-z])))"
#: The ordered episode rules: the first that matches decides. Each has ``season`` and
#: ``episode`` groups and optionally ``more`` (further episodes) or ``end``.
EPISODE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    # S01E02, s1e2, S01.E02, S01_E02, S01 E02, S01-E02, S01xE02, S01Ep02, S2023E05
    (
        "sxe",
        re.compile(
            rf"{_B}s(?P<season>\d{{1,4}})(?:[ ._\[\]-]*x?[ ._\[\]-]*ep?|[ ._-]?x[ ._-]?)"
            r"(?P<episode>\d{1,4})(?![0-9])"
            rf"(?P<more>{_MORE_SXE}*(?:{_DASH_NUMBER})*)",
            I,
        ),
    ),
    # 1x02, 01x02, 1x02-03, 1x02x03, 1x02-1x03, 1x02_1x03, 2023x05, 02x03-E15
    (
        "nxn",
        re.compile(
            rf"{_B}(?P<season>\d{{1,4}})[ ._]?x[ ._]?(?P<episode>\d{{1,3}})(?![0-9])"
            r"(?P<more>(?:[ ._]*[-_+&]?[ ._]*(?:\d{1,4}[ ._]?)?x\d{1,3}(?![0-9])"
            rf"|{_DASH_NUMBER}|-e\d{{1,3}}(?![0-9]))*)",
            I,
        ),
    ),
    # Season 1 Episode 2, Season 01 - Episode 02, Series 3 Ep 4, Staffel 2 Folge 5
    (
        "spelled",
        re.compile(
            rf"{_B}(?:{SEASON_WORDS})[ ._-]*(?P<season>\d{{1,4}})[ ._,-]*"
            r"(?:episode|episodio|épisode|folge|ep|e)[ ._-]*(?P<episode>\d{1,4})(?![0-9])"
            r"(?:[ ._]*(?:-|to|&|and|\+)[ ._]*(?:episode[ ._-]*|ep[ ._-]*|e)?(?P<end>\d{1,4})(?![0-9]))?",
            I,
        ),
    ),
)
#: Anime: ``Show S2 - 05``, ``Show Season 2 - 05``, ``Show 2nd Season - 05``.
SEASONED_ABSOLUTE = re.compile(
    rf"{_B}(?:s(?P<s1>\d{{1,2}})|(?:{SEASON_WORDS})[ ._]*(?P<s2>\d{{1,2}})|"
    rf"(?P<s3>\d{{1,2}})(?:st|nd|rd|th)[ ._]+(?:{SEASON_WORDS}))"
    r"[ ._]+-[ ._]+(?:ep?[ ._]*)?(?P<episode>\d{1,4})(?:v\d)?(?![0-9])",
    I,
)
#: Air dates: ``2024-03-15``, ``2024.03.15``, ``2024 03 15``; and day first ``15.03.2024``.
AIR_DATE = re.compile(
    r"(?<![0-9])(?P<year>(?:19|20)\d{2})[-._ ](?P<month>\d{2})[-._ ](?P<day>\d{2})(?![0-9])"
)
AIR_DATE_DAY_FIRST = re.compile(
    r"(?<![0-9])(?P<day>\d{2})[-._ ](?P<month>\d{2})[-._ ](?P<year>(?:19|20)\d{2})(?![0-9])"
)
#: Episode-only with a marker word: ``E05``, ``Ep 5``, ``Episode 05``, ``Ep05-06``, ``Folge 3``.
EPISODE_WORD = re.compile(
    rf"{_B}(?:e|ep|episode|episodio|épisode|folge|capitulo|#)[ ._-]*(?P<episode>\d{{1,4}})(?:v\d)?(?![0-9])"
    r"(?:[ ._]*-[ ._]*(?:e|ep|episode)?[ ._]*(?P<end>\d{1,4})(?![0-9]))?",
    I,
)
#: Fansub absolute numbering: ``Show - 05``, ``Show - 05v2``, ``Show - 1105``, ``Show - 05-06``,
#: ``Show_-_05_``; the number is followed by the end, a tag, a dash or a title.
ABSOLUTE_DASH = re.compile(
    r"(?:\s|_)-(?:\s|_)+(?P<episode>\d{1,4})(?:v\d)?"
    r"(?:[ _]*-[ _]*(?P<end>\d{1,4})(?:v\d)?(?=[ _]*(?:$|[\[(])))?"
    r"(?=[ _]*(?:$|[\[(]|-|\s))",
    I,
)
#: ``02.avi``, ``02 - Title``, ``E05 Title``, ``Episode 5``, ``02-04 - Title`` at the start
#: of a name; ``7 - 12 Angry Men`` is episode 7 (a number followed by words is the title's).
LEADING_EPISODE = re.compile(
    r"^(?:e|ep|episode)?[ ._-]*(?P<episode>\d{1,4})(?:v\d)?"
    r"(?:[ ._]*-[ ._]*(?P<end>\d{1,4})(?![0-9])(?![ ._]+[^ ._-]))?(?=$|[ ._-])",
    I,
)
#: ``1-05 - Title`` in a show folder: season 1, episode 5 (one digit, then two or three).
SEASON_DASH_EPISODE = re.compile(
    r"^(?P<season>\d)-(?P<episode>\d{2,3})(?![0-9])(?=$|[ ._]+-|[ ._]+\S)", I
)
#: Fansub absolute numbers in square brackets: ``[Group] Show [07][1080p]``, ``[05v2]``.
BRACKET_EPISODE = re.compile(r"\[(?P<episode>\d{1,4})(?:v\d)?\]")
#: Scene-style compact numbers: ``show.name.102.hdtv`` (season 1, episode 2),
#: ``Show 1012`` (season 10, episode 12) when a season folder agrees.
COMPACT = re.compile(r"(?<![^ ._])(?P<season>\d{1,2})(?P<episode>\d{2})(?=$|[ ._-])")
#: A bare number ending the name: ``Show Name 05`` (absolute numbering in a show folder).
TRAILING_NUMBER = re.compile(r"(?<=[ ._])(?P<episode>\d{1,4})(?:v\d)?$")
#: ``Part 2`` / ``Pt. 2`` inside a show: an episode number.
PART_EPISODE = re.compile(rf"{_B}(?:part|pt)[ ._-]*(?P<episode>\d{{1,2}})(?![0-9])", I)

# -- titles and release words ----------------------------------------------------------
#: Words that only release names carry: resolution, source, codec, audio, HDR, release
#: flags. In a release name the title ends where the first of them starts.
RELEASE_TOKEN = re.compile(
    r"(?<![a-z0-9])(?:\d{3,4}[pi]|4k|uhd|blu-?ray|bdrip|brrip|bdremux|remux|bd25|bd50|"
    r"web-?dl|web-?rip|hdtv|pdtv|sdtv|dsr|tvrip|satrip|dvd-?rip|dvdscr|dvd5|dvd9|hdrip|hddvd|"
    r"vhsrip|telesync|hdcam|x\.?264|x\.?265|h\.?264|h\.?265|hevc|xvid|divx|10-?bit|hi10p?|"
    r"aac(?:2\.0|5\.1)?|ac-?3|e-?ac-?3|dts(?:-?hd)?(?:-?ma)?|truehd|atmos|"
    r"dd\+?(?:2\.0|5\.1|7\.1)|ddp(?:2\.0|5\.1|7\.1)?|lpcm|"
    r"hdr10\+?|hdr|dovi|dolby[ ._-]?vision|"
    r"amzn|dsnp|hmax|atvp|pcok|pmtp|"
    r"proper|repack|rerip|readnfo|nfofix|multi-?subs?|multiple[ ._-]?subtitles?|vostfr|truefrench|"
    r"ultra-?hd|hdc|"
    r"rarbg|yts|yify|eztv|ettv)(?![a-z0-9])",
    I,
)
#: Weaker release words: cut from the end of a release-style title (``Film.German.DL``),
#: never read as the start of junk on their own (``It``, ``Web``, ``Real`` are titles too).
TAIL_WORDS = re.compile(
    r"(?:[ ._-]+(?:web|bd|dvd|dvdr|hd|sd|fhd|internal|limited|dubbed|subbed|multi|dual|"
    r"dual-?audio|german|french|ita|spanish|dl|ml|complete|hybrid|retail|nf|dv|sdr|avc|"
    r"av1|vp9|mp3|flac|opus|xxx|ws|fs|ts|cam|r5|scr|screener|read\.nfo|ntsc|pal|secam|"
    r"\d\.\d))+$",
    I,
)
#: Release words cut from the end of a movie's name even with no other release word
#: (``Super movie Multi``, ``Spirited Away DVD``): they are never a title's last word.
RELEASE_TAIL = re.compile(r"(?:[ ._-]+(?:multi|dvd|dvd[59]|vff|vfq|vostfr|truefrench))+$", I)
#: A disc marker ending a single file's name: ``Film (1965) (Disc 01)``, ``Film [Disc 1]``.
DISC_MARK = re.compile(r"[ ._-]*[(\[](?:disc|disk|dvd|cd)[ ._-]*\d{1,2}[)\]]$", I)
#: Korean broadcast releases of a whole series: ``E01-E16``, ``E01~E16 END``.
EPISODE_RANGE = re.compile(
    r"(?<![a-z0-9])e\d{1,3}[ ._]*[-~][ ._]*e\d{1,3}(?![0-9])(?:[ ._]+end)?", I
)
#: A full date ending a name (``Some Film 2011.05.17``): the year, and the title before it.
DATE_END = re.compile(r"[ ._-]+(?P<year>(?:19|20)\d{2})[-._](?P<month>\d{2})[-._](?P<day>\d{2})$")
#: Japanese broadcast recordings: ``2026年01月10日23時00分00秒-`` before the title, and the
#: programme marks (``[新]`` new, ``[再]`` repeat, ``[字]`` subtitled, ``[解]`` described…).
BROADCAST_PREFIX = re.compile(
    r"^\d{4}年\d{1,2}月\d{1,2}日(?:\d{1,2}時\d{1,2}分(?:\d{1,2}秒)?)?[ ._-]*"
)
BROADCAST_MARKS = re.compile(
    r"[\[【(](?:新|再|字|解|終|デ|二|多|双|手|生|映|初|無|吹|SS|S|N|B)[\]】)]"
)
#: A website before or after the title: ``www.example.org - Film``, ``Film - example.org``.
_SITE = (
    r"(?:www\.)?[a-z0-9-]+\.(?:com|org|net|ws|to|me|tv|cc|info|io|co|xyz|se|ru|club|biz|site|link)"
)
WEBSITE_PREFIX = re.compile(rf"^\s*{_SITE}\s+-\s+", I)
WEBSITE_SUFFIX = re.compile(rf"\s+-\s+{_SITE}\s*$", I)
#: Editions (Plex/Jellyfin ``{edition-…}``, and the words release names use).
EDITION_TAG = re.compile(r"\{edition-(?P<edition>[^}]+)\}", I)
EDITION_WORDS = re.compile(
    r"(?<![a-z0-9])(?P<edition>"
    r"(?:director'?s|directors|extended|theatrical|final|ultimate|special|collector'?s|"
    r"anniversary|imax|unrated|uncut|remastered|restored|open[ ._-]?matte|criterion|"
    r"international|redux)"
    r"(?:[ ._-]+(?:cut|edition|version|collection|enhanced|extended|ultimate))*"
    r"(?:[ ._-]+(?:cut|edition|version))?"
    r")(?![a-z0-9])",
    I,
)
#: 3D markers: a plain ``3D`` and the stereo layouts.
THREE_D = re.compile(
    r"(?<![a-z0-9])(?P<mode>3d|h-?sbs|f-?sbs|sbs|h-?ou|h-?tab|f-?tab|tab|mvc|half-?sbs|full-?sbs)(?![a-z0-9])",
    I,
)
#: A provider id in a name: ``[imdbid-tt0106145]``, ``{tmdb-65567}``, ``[tvdbid=121361]``.
IDS = re.compile(r"[\[{](?P<kind>imdb|tmdb|tvdb)(?:id)?[-=](?P<value>(?:tt)?\d+)[\]}]", I)
CRC = re.compile(r"[0-9a-f]{8}", I)
GROUP_PREFIX = re.compile(r"^\s*[\[(【][^\])】]+[\])】][\s._-]*")
BRACKETS = re.compile(r"\[[^\]]*\]|\{[^}]*\}|【[^】]*】")
#: A release group at the end: ``-GRP``, ``-NTb``, ``-TERMiNAL`` (after a release word).
TRAILING_GROUP = re.compile(r"-[a-z0-9]+$", I)
YEAR = re.compile(r"(?<![0-9])(?P<year>(?:18|19|20)\d{2})(?![0-9])")

# -- stacking (Jellyfin, Kodi, Plex: ``<name><sep><type><sep><n>``) -------------------
STACK_WORDS = ("cd", "dvd", "part", "pt", "disc", "disk")
#: The part marker may follow a closing bracket directly (``Film (2011)[720p]part1``).
STACK = re.compile(
    rf"^(?P<base>.*?)(?:^|[ ._-]+|(?<=[\])]))(?P<word>{'|'.join(STACK_WORDS)})[ ._-]*"
    r"(?P<number>\d{1,2}|[a-d])(?![a-z0-9])(?P<rest>.*)$",
    I,
)
#: Words that name the same stack type.
STACK_FAMILIES = {"pt": "part", "disk": "disc"}

# -- music ---------------------------------------------------------------------------
TRACK_STEM = re.compile(
    r"^(?:(?P<disc>\d)[-.](?P<track1>\d{2})|(?:track[ ._-]*)?(?P<track2>\d{1,3}))"
    r"(?![0-9])(?:[ ._]*-?[ ._]*)(?P<title>.*)$",
    I,
)
#: ``Artist - 02 - Title``: the artist before the track number.
ARTIST_TRACK_STEM = re.compile(r"^(?P<artist>.+?)\s+-\s+(?P<track>\d{1,3})\s+-\s+(?P<title>.+)$")
#: An album folder with its year first: ``1986 - Master of Puppets``, ``[1991] Metallica``,
#: ``(1983) Kill 'Em All``.
YEAR_FIRST_ALBUM = re.compile(r"^[(\[]?(?P<year>(?:19|20)\d{2})[)\]]?\s*(?:-\s*)?(?P<album>\S.*)$")
#: ``Artist - Album (Year)`` in one folder.
ARTIST_ALBUM_FOLDER = re.compile(r"^(?P<artist>[^-]+?)\s+-\s+(?P<album>.+)$")
#: Folders of albums by many artists, whose files say ``NN - Artist - Title``.
COMPILATION_FOLDERS = frozenset(
    [
        "various artists",
        "various",
        "va",
        "v.a.",
        "v.a",
        "compilations",
        "compilation",
        "soundtracks",
        "soundtrack",
        "ost",
    ]
)
