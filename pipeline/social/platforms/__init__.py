"""Clients of the four social platforms, one module each, behind one small interface.

``publish(post, attempting)`` makes the post public and returns a
``Result``; it calls ``attempting(data)`` right before the one call that
makes the post public, so the ledger records ATTEMPTING first. ``find(post,
data)`` looks for a post that may already exist (after a crash or a dropped
connection): a ``Result``, ``None`` (certainly not there), or ``UNSEARCHABLE``
when the platform cannot tell (Telegram bots cannot read a channel's history).

``Deferred`` (and its kind ``Throttled``: the platform throttles longer than
the run may wait) means "not now": the post stays retryable for the next run.
An ``ApiError`` is a refusal (FAILED); ``Uncertain`` after the publishing call
means the post may exist (look with ``find``). Both also stand for an answer
outside the API's contract, so no answer can crash the run.

A retracted item's post goes through ``delete(posted)`` (``posted`` the
ledger's POSTED record): it returns when the post is gone (deleted now, or
already gone: a DELETE repeated after a dropped answer counts as done) and
raises ``Manual`` when a person must delete it. A correction with
``social: true`` goes through ``reply(posted, text)``: a comment or reply
under the original post, made once (its call is final: never repeated).
"""

from __future__ import annotations

# Re-exported: the interface of the clients, as ``publish`` imports it.
from pipeline.social.platforms.base import UNSEARCHABLE, Deferred, Manual, Result, Throttled

__all__ = ["UNSEARCHABLE", "Deferred", "Manual", "Result", "Throttled", "clients_from_env"]


def clients_from_env(env, redact, budget, only=None):
    """``(clients, notices)``: a client per platform with credentials in ``env``, a notice per skipped one."""
    from pipeline.social.platforms import facebook, instagram, telegram, x

    clients, notices = {}, []
    for module in (facebook, instagram, x, telegram):
        if only is not None and module.PLATFORM not in only:
            continue
        missing = [name for name in module.ENV if not env.get(name)]
        if missing:
            notices.append(f"{module.NAME} dilewati: {', '.join(missing)} belum diatur di environment.")
            continue
        for name in module.ENV:
            if "TOKEN" in name:
                redact.add(env[name])
        clients[module.PLATFORM] = module.from_env(env, redact, budget)
    return clients, notices
