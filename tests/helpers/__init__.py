"""Helpers shared by the tests (imported from here, never from another test module)."""
