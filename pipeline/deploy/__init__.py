"""``portal deploy`` and ``portal rollback``: the built site onto a web host, atomically where it can be.

``manifest`` hashes ``site/`` and plans what travels; ``hosts`` is the one
interface every kind of host implements (``local``, ``sftp``, ``ftps``,
``s3``); ``run`` holds the procedure (lock, upload, verify, switch, prune,
rollback), the same for every host.
"""
