"""``portal register``: gather the sources of the register and write it as md, csv, json or xlsx.

Sources, each optional but git: the register records (``register.jsonl`` on
the ledger branch), main's git history for whatever they lack (items merged
before the register existed, or a run without the branch), the post ledger
(``ledger.jsonl``, read without verifying: nothing is posted from it here)
and the content (title, category, day H, site path). What no source could
fill is named in ``empty_columns`` and on stderr.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from pipeline.config import Config
from pipeline.content.load import load
from pipeline.errors import PortalError
from pipeline.register import history
from pipeline.register.records import Register, open_store
from pipeline.register.rows import EMPTY_WHY, ItemInfo, Sources
from pipeline.site import register_page
from pipeline.site.record import item_id
from pipeline.social.publish import open_ledger

FORMATS = ("md", "csv", "json", "xlsx")


def content_items(config: Config) -> tuple[dict[str, ItemInfo], dict[str, str]]:
    """(item folder path -> what the register shows of it, item folder path -> its stable id)."""
    infos, ids = {}, {}
    for item in load(config).items:
        if item.date is None:
            continue
        path = item.folder.relative_to(config.root).as_posix()
        ids[path] = item_id(item)
        if not item.due:  # scheduled (publish_at), not public yet: no row until it is (see gather)
            continue
        category = str(item.meta.get("category") or "")
        infos[path] = ItemInfo(item.title, config.categories.get(category, category), item.date.isoformat(), item.url)
    return infos, ids


def gather(config: Config, env: Mapping[str, str], register_path: Path | None = None,
           ledger_path: Path | None = None) -> Sources:
    """Every source of the register (see the module docstring)."""
    infos, ids = content_items(config)
    register = Register(open_store(config.root, register_path, dict(env)))
    entries = list(register.load())
    known = {e.key for e in entries}
    entries += history.from_git(config.root, ids, known=known)
    # The register page is public: an item waiting for its publish_at shows neither its title nor its PR's.
    waiting = set(ids) - set(infos)
    entries = [e for e in entries if e.path not in waiting]
    ledger = open_ledger(config, ledger_path, env)
    empty = [] if ledger.found else ["posts"]
    if not any(e.source == "github" for e in entries):
        empty += ["reviews", "rejection_reason"]
    return Sources(entries, infos, ledger.records(), empty)


def empty_note(columns: list[str]) -> str:
    """The stderr line naming the columns left empty, and why."""
    return "Kolom kosong: " + "; ".join(f"{c} ({EMPTY_WHY.get(c, 'tidak ada sumber')})" for c in columns) + "."


def render(config: Config, document: dict, fmt: str) -> str | bytes:
    """The register ``document`` (``rows.document``) in format ``fmt``."""
    if fmt == "json":
        return as_json(document)
    from pipeline import tables

    columns = register_page.COLUMNS
    flat = [register_page.flatten(config, row) for row in document["rows"]]
    if fmt == "csv":
        return tables.write_csv(columns, flat)
    if fmt == "xlsx":
        return tables.write_xlsx(columns, flat)
    return tables.write_markdown(columns, flat)


def as_json(document: dict) -> str:
    """``document`` as JSON text with one row per line: diffable, and written by json's C encoder (no indent).

    ASCII only: a bidi control or an invisible character in a PR title shows as
    ``\\u202e`` to whoever opens the file, instead of reordering what they read.
    """
    head = json.dumps({key: value for key, value in document.items() if key != "rows"})
    rows = ",\n".join(json.dumps(row) for row in document["rows"])
    return head[:-1] + (', "rows": [\n' + rows + "\n]}\n" if rows else ', "rows": []}\n')


def write(output: Path | None, data: str | bytes, out) -> None:
    """``data`` into ``output`` (replaced whole, never half-written), or onto ``out``."""
    if output is None:
        if isinstance(data, bytes):
            raise PortalError("format xlsx tidak dapat dicetak ke layar: tulis ke berkas dengan --output BERKAS.xlsx.")
        out.write(data)
        return
    tmp = output.with_name(output.name + ".tmp")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            tmp.write_bytes(data)
        else:
            tmp.write_text(data, encoding="utf-8", newline="")
        tmp.replace(output)
    except OSError as exc:
        raise PortalError(f"register tidak dapat ditulis ke {output}: {exc.strerror}") from None
