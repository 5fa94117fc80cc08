"""The storage layer's error for the user: a module of its own, so that the modules the
migrations use (storage.rawstore) need not import storage.db, which runs the migrations."""


class StorageError(Exception):
    """The database cannot be used; the message is one line meant for the user."""
