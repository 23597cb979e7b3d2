"""Run localstripe (the Stripe stand-in for the demo and tests) on loopback only.

    python -m config.localstripe --port 8420 [--store var/localstripe/store.pickle]

localstripe itself pickles its whole store to the fixed file ``/tmp/localstripe.pickle`` after every
write, whatever ``TMPDIR`` says: two instances on one machine share (and can corrupt) it, and a
truncated file stops every later start with "pickle data was truncated". Here each instance keeps
its store in the file named by ``--store`` (written to a temporary file, then renamed, so a crash never
leaves half a file), or nowhere without it (tests). A store that cannot be read is set aside
(``.corrupt``) and the instance starts empty, saying so on stderr.
Never imported by the product: only the demo launcher and the tests start it, as a process.
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
from pathlib import Path


def use_store(store_class: type, path: Path | None) -> None:
    """Point localstripe's ``Store`` at ``path`` (``None``: keep nothing on disk)."""

    def dump_to_disk(self) -> None:
        if path is None:
            return
        partial = path.with_name(path.name + ".partial")
        with open(partial, "wb") as f:
            pickle.dump(dict(self), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, path)

    def try_load_from_disk(self) -> None:
        if path is None or not path.exists():
            return
        try:
            with open(path, "rb") as f:
                saved = pickle.load(f)  # noqa: S301 (our own file in var/, written by this process)
        except Exception as exc:  # any unreadable store: start clean rather than not at all
            path.replace(path.with_name(path.name + ".corrupt"))
            print(f"localstripe: store {path} unreadable ({exc}); starting empty", file=sys.stderr)
            return
        dict.clear(self)
        dict.update(self, saved)

    store_class.dump_to_disk = dump_to_disk
    store_class.try_load_from_disk = try_load_from_disk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument("--store", type=Path, help="keep the store in this file and reload it at start")
    args = parser.parse_args()

    from aiohttp import web
    from localstripe.resources import Store, store
    from localstripe.server import app

    use_store(Store, args.store)
    store.try_load_from_disk()
    web.run_app(app, host=args.host, port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
