"""Run localstripe (the Stripe stand-in for the demo and tests) on loopback only.

    python -m config.localstripe --port 8420

localstripe pickles its store into the system temp folder on every write; give each instance its
own ``TMPDIR`` (the demo and the test fixture both do) so that two instances never share a store.
Never imported by the product: only the demo launcher and the tests start it, as a process.
"""

from __future__ import annotations

import argparse


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument("--persist", action="store_true", help="reload the store saved by a previous run")
    args = parser.parse_args()

    from aiohttp import web
    from localstripe.resources import store
    from localstripe.server import app

    if args.persist:
        store.try_load_from_disk()

    web.run_app(app, host=args.host, port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
