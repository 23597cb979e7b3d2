"""Run localstripe (the Stripe stand-in for the demo and tests) on loopback only.

    python -m config.localstripe --port 8420 [--store var/localstripe/store.pickle]
    python -m config.localstripe --fd 5 [--webhook http://127.0.0.1:8000/payments/webhooks/stripe/]

Started by :func:`start` (the demo and the tests), it serves on a listening socket the launcher
bound and handed over (``--fd``), so no other process can take its port between a check and the
bind (ADR 0006). ``GET /_config/clearfund-instance`` answers the per-run token of its environment
(``CLEARFUND_INSTANCE_TOKEN``), its pid and the URLs of its webhooks: the launcher talks only to an
instance that knows its token. ``--webhook`` registers the endpoint at start (secret from
``CLEARFUND_WEBHOOK_SECRET``), so a restarted instance delivers events again without anyone
registering them from outside (localstripe forgets webhooks on restart).

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
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from config import launch

ROOT = Path(__file__).resolve().parents[1]


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


def card_number_digits(number: object) -> object:
    """A card number as typed ("4242 4242 4242 4242", "4242-4242-...") reduced to its digits."""
    if isinstance(number, str):
        return "".join(ch for ch in number if ch not in " -\u00a0\t")
    return number


def accept_typed_card_numbers(payment_method_class: type, card_class: type) -> None:
    """localstripe's card field passes the number as typed and its ``PaymentMethod`` and ``Card``
    refuse anything but 16 bare digits, so a number typed with spaces (as printed on the card, and
    as Stripe's real field accepts it) failed the card setup and left the gift awaiting its card.
    Normalise the number where the fake reads it."""
    original_method_init, original_card_init = payment_method_class.__init__, card_class.__init__

    def payment_method_init(self, *args, card=None, **kwargs):
        if isinstance(card, dict) and "number" in card:
            card = {**card, "number": card_number_digits(card["number"])}
        original_method_init(self, *args, card=card, **kwargs)

    def card_init(self, *args, source=None, **kwargs):
        if isinstance(source, dict) and "number" in source:
            source = {**source, "number": card_number_digits(source["number"])}
        original_card_init(self, *args, source=source, **kwargs)

    payment_method_class.__init__ = payment_method_init
    card_class.__init__ = card_init


# localstripe's card form moves to the expiry month once the number field holds 16 characters,
# spaces included: "4242 4242 4242 4242" typed as printed on the card sent "4242 4242 4242 4" and the
# rest landed in the month, so the card setup failed. The form we serve counts digits.
CARD_FORM_JUMP = "this.value.card.number.length >= 16"
CARD_FORM_JUMP_ON_DIGITS = "this.value.card.number.replace(/\\D/g, '').length >= 16"


# Its expiry year field puts "20" before what is typed: "31" is sent as 2031, but "2031" (what the
# field's label asks for, and what a donor used to four-digit years types) was sent as 202031,
# which localstripe refuses ("Bad request": the card setup failed, the gift waited for its card).
# Stripe accepts a two- or four-digit year; the form we serve sends four digits either way
# ("31" → 2031, "2031" → 2031) and moves to the security code once the year is complete (four
# digits, or two that cannot begin a four-digit year: not "20"), not after "20" of "2031".
CARD_FORM_YEAR = "exp_year: '20' + this._inputs.exp_year.value,"
CARD_FORM_YEAR_NORMALISED = (
    "exp_year: ((typed) => typed.length > 2 ? typed : '20' + typed)"
    "(this._inputs.exp_year.value.replace(/\\D/g, '')),"
)
CARD_FORM_YEAR_JUMP = "this.value.card.exp_year.length >= 4"
CARD_FORM_YEAR_JUMP_WHEN_COMPLETE = (
    "((typed) => typed.length >= 4 || (typed.length === 2 && typed !== '20'))"
    "(this._inputs.exp_year.value.replace(/\\D/g, ''))"
)


# Its fields show their codes ("number", "exp_month", "cvc") as placeholders, after a "localstripe: "
# label. The form we serve names them for people in the page's language (the <html lang> of the
# donate page): a placeholder and a label screen readers announce, each field wide enough for its
# placeholder, and "测试卡（演示）：" before them. The code stays in ``data-field`` (not ``name``: the
# fields sit inside the donate form, which must never post a card number), where the browser tests
# find the fields.
CARD_FORM_LABEL = "labelSpan.textContent = 'localstripe: ';"
CARD_FORM_LABEL_NAMED = (
    "labelSpan.textContent = (document.documentElement.lang || '').startsWith('zh')"
    " ? '测试卡（演示）：' : 'Test card (demo): ';"
)
CARD_FORM_PLACEHOLDER = "this._inputs[field].setAttribute('placeholder', field);"
CARD_FORM_PLACEHOLDER_NAMED = (
    "const cardFieldNames = (document.documentElement.lang || '').startsWith('zh')"
    " ? {number: '卡号', exp_month: '月（MM）', exp_year: '年（YYYY）', cvc: '安全码', postal_code: '邮编'}"
    " : {number: 'Card number', exp_month: 'MM', exp_year: 'YYYY', cvc: 'CVC', postal_code: 'Postcode'};"
    " const cardFieldLabels = (document.documentElement.lang || '').startsWith('zh')"
    " ? {number: '卡号', exp_month: '有效期月份（MM）', exp_year: '有效期年份（YYYY）', cvc: '安全码', postal_code: '邮编'}"
    " : {number: 'Card number', exp_month: 'Expiry month (MM)', exp_year: 'Expiry year (YYYY)', cvc: 'Security code',"
    " postal_code: 'Postcode'};"
    " this._inputs[field].setAttribute('data-field', field);"
    " this._inputs[field].setAttribute('placeholder', cardFieldNames[field] || field);"
    " this._inputs[field].setAttribute('aria-label', cardFieldLabels[field] || field);"
)
# Its widths are the codes' (2 for a month): the placeholders need more.
CARD_FORM_SIZE = "field === 'cvc' ? 3 : 2);"
CARD_FORM_SIZE_OF_PLACEHOLDER = (
    "field === 'cvc' ? 3 : 2); this._inputs[field].setAttribute('size',"
    " Math.max(Number(this._inputs[field].getAttribute('size')), 2 * this._inputs[field].placeholder.length));"
)


def card_form_counting_digits(source: str) -> str:
    """localstripe's Stripe.js stand-in with the number field's jump made on digits only, the
    expiry year sent with four digits whether two or four were typed, and its fields named for
    people in the page's language (placeholder, aria-label, the label before them). Raises ``ValueError`` when the stand-in no longer has one of those lines
    (a localstripe upgrade: look again)."""
    changes = [
        (CARD_FORM_JUMP, CARD_FORM_JUMP_ON_DIGITS, "card number jump"),
        (CARD_FORM_YEAR, CARD_FORM_YEAR_NORMALISED, "expiry year"),
        (CARD_FORM_YEAR_JUMP, CARD_FORM_YEAR_JUMP_WHEN_COMPLETE, "expiry year jump"),
        (CARD_FORM_PLACEHOLDER, CARD_FORM_PLACEHOLDER_NAMED, "field placeholders"),
        (CARD_FORM_SIZE, CARD_FORM_SIZE_OF_PLACEHOLDER, "field sizes"),
        (CARD_FORM_LABEL, CARD_FORM_LABEL_NAMED, "label"),
    ]
    for old, new, what in changes:
        if old not in source:
            raise ValueError(f"localstripe-v3.js changed: its {what} was not found")
        source = source.replace(old, new)
    return source


def serve_card_form_counting_digits(app, web) -> None:
    """Serve ``card_form_counting_digits`` of localstripe's own script at its usual address."""
    import localstripe

    script = card_form_counting_digits((Path(localstripe.__file__).parent / "localstripe-v3.js").read_text())

    @web.middleware
    async def card_form(request, handler):
        if request.path == "/js.stripe.com/v3/":
            return web.Response(text=script, content_type="application/javascript")
        return await handler(request)

    app.middlewares.append(card_form)


WEBHOOK_NAME = "clearfund"
INSTANCE_PATH = "/_config/clearfund-instance"  # under /_config/: localstripe asks no API key there
SECRET_ENV = "CLEARFUND_WEBHOOK_SECRET"  # noqa: S105 - the name of a variable, not a secret


@dataclass
class Localstripe:
    """A localstripe process started by :func:`start`: its URL, the socket it serves on (kept open
    by the launcher, so a restart serves on the same port) and its token."""

    process: subprocess.Popen
    url: str
    sock: socket.socket
    token: str

    def instance(self) -> dict | None:
        return launch.instance(self.url + INSTANCE_PATH)

    def stop(self) -> None:
        launch.stop(self.process, grace=10)


def start(
    *,
    sock: socket.socket | None = None,
    store: Path | None = None,
    webhook_url: str | None = None,
    webhook_secret: str = "",
    log: Path | None = None,
    seconds: float = 60,
) -> Localstripe:
    """Start localstripe on ``sock`` (a new listening loopback socket when ``None``) and return once
    it answers with its token.

    Raises ``config.launch.LaunchError`` when it exits or does not answer within ``seconds``, or when
    something else answers.
    """
    sock = sock or launch.listen("127.0.0.1")
    token = launch.new_token()
    argv = [sys.executable, "-m", "config.localstripe", "--fd", str(sock.fileno())]
    if store is not None:
        argv += ["--store", str(store)]
    if webhook_url:
        argv += ["--webhook", webhook_url]
    output = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - handed to the process
    try:
        process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env={**os.environ, launch.TOKEN_ENV: token, SECRET_ENV: webhook_secret},
            stdout=output,
            stderr=output,
            pass_fds=(sock.fileno(),),
            start_new_session=True,
            preexec_fn=launch.die_with_launcher,
        )
    finally:
        if log:
            output.close()
    host, port = sock.getsockname()[:2]
    url = f"http://{host}:{port}"
    try:
        launch.wait_for_instance(
            url + INSTANCE_PATH, token, name="localstripe", process=process, seconds=seconds
        )
    except launch.LaunchError:
        launch.stop(process, grace=5)
        raise
    return Localstripe(process=process, url=url, sock=sock, token=token)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument("--fd", type=int, help="serve on this listening socket, inherited from the launcher")
    parser.add_argument("--store", type=Path, help="keep the store in this file and reload it at start")
    parser.add_argument("--webhook", help="deliver events to this URL (secret: $CLEARFUND_WEBHOOK_SECRET)")
    args = parser.parse_args()

    from aiohttp import web
    from localstripe.resources import Card, PaymentMethod, Store, store
    from localstripe.server import app
    from localstripe.webhooks import _webhooks, register_webhook

    token = os.environ.get(launch.TOKEN_ENV, "")

    async def identify(_request):
        webhooks = {name: hook.url for name, hook in _webhooks.items()}
        return web.json_response({"token": token, "pid": os.getpid(), "webhooks": webhooks})

    app.router.add_get(INSTANCE_PATH, identify)
    use_store(Store, args.store)
    accept_typed_card_numbers(PaymentMethod, Card)
    serve_card_form_counting_digits(app, web)
    store.try_load_from_disk()
    if args.webhook:
        register_webhook(WEBHOOK_NAME, args.webhook, os.environ.get(SECRET_ENV, ""), None)
    if args.fd is not None:
        sock = socket.socket(fileno=args.fd)
        web.run_app(app, sock=sock, print=None, access_log=None)
    else:
        web.run_app(app, host=args.host, port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
