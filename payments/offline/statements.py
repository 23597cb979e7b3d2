"""Bank statement import: a CSV file as Chinese banks export it, matched to expected transfers.

Rules (ADR 0230):

- **Encoding.** UTF-8 (with or without a byte-order mark) or GBK (read as GB 18030, its superset).
  Anything else is refused with the first line that is neither.
- **Layout.** Banks put title and account rows before the table and totals after it. The table
  starts at the first row holding a layout's required columns (``LAYOUTS``, a small declared map
  of column names per layout); rows of totals (合计, 小计, 总计), notes of one cell ("以下空白",
  "打印时间：…") and empty rows are skipped. Only
  credit lines (money in) are imported; debits are skipped.
- **Whole or nothing.** Every row is read before anything is written; any bad row (a date or
  amount that is not one, a missing cell) refuses the whole file with line-numbered errors
  (``StatementRefused``), and nothing is imported.
- **Once.** A credit line is keyed by the bank's serial number (交易流水号), or, when the layout has
  none, by a digest of the line (and its occurrence in the file); a line already imported is
  skipped, so importing the same file again imports nothing.
- **Matching.** Each new credit line is matched to the one expected transfer it pays: an offline
  gift recorded as a bank transfer and not yet seen (same amount; its reference in the line's memo
  or equal to its serial), or a matching pool's pay-in recorded as a bank transfer (same amount; the
  payer's name is the matcher's). One candidate: matched. Two or more: ``ambiguous``, not matched.
  None: ``unmatched``. Ambiguous and unmatched lines are the reconciliation items finance works
  through (admin: Offline gifts → Bank statement lines). Matching a pay-in records where its money
  was seen; confirming it stays a second officer's act (ADR 0227).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from campaigns.amount_input import parse_amount
from campaigns.money import InvalidAmount, Money
from campaigns.roles import FINANCE_OFFICERS, Actor, in_role
from campaigns.services import audit
from payments.matching.models import PayInMethod, PayInStatus, PoolPayIn
from payments.offline.models import (
    BankStatementLine,
    LineOutcome,
    OfflineChannel,
    OfflineGift,
    OfflineGiftStatus,
    StatementImport,
)
from payments.offline.services import normalise

MAX_BYTES = 5 * 1024 * 1024
MAX_ERRORS = 20
TOTAL_MARKS = ("合计", "小计", "总计", "本页合计", "共计")


@dataclass(frozen=True)
class Layout:
    """Where a bank puts each field: column titles as they appear in its export."""

    name: str
    date: str
    credit: str
    payer: str
    memo: str
    time: str = ""
    debit: str = ""
    account: str = ""
    serial: str = ""

    @property
    def required(self) -> tuple[str, ...]:
        return (self.date, self.credit, self.payer, self.memo)


# Two common layouts: a "收入/支出" export (ICBC style) and a "借方/贷方发生额" export (CCB, ABC style).
LAYOUTS: tuple[Layout, ...] = (
    Layout(
        name="income_expense",
        date="交易日期",
        time="交易时间",
        credit="收入金额",
        debit="支出金额",
        payer="对方户名",
        account="对方账号",
        memo="摘要",
        serial="交易流水号",
    ),
    Layout(
        name="debit_credit",
        date="交易日期",
        time="交易时间",
        credit="贷方发生额",
        debit="借方发生额",
        payer="对方户名",
        account="对方账号",
        memo="附言",
        serial="流水号",
    ),
)
HEADER_HINT = "交易日期"


class StatementRefused(ValidationError):
    """The file is refused whole; ``errors`` are messages that each name a line of the file."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors[:MAX_ERRORS]
        super().__init__(self.errors)


@dataclass(frozen=True)
class CreditLine:
    line_no: int
    booked_on: date
    amount: Money
    payer_name: str
    payer_account_tail: str
    memo: str
    serial: str
    fingerprint: str


@dataclass(frozen=True)
class ImportResult:
    statement: StatementImport | None
    credit_lines: int
    new_lines: int
    matched: int
    ambiguous: int
    unmatched: int


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (a byte-order mark is dropped) or GBK. Raises ``StatementRefused``
    naming the first line that is neither."""
    encodings = ("utf-8-sig",) if data.startswith(b"\xef\xbb\xbf") else ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            raw.decode(encodings[-1])
        except UnicodeDecodeError:
            return _refuse(number, _("the file is neither UTF-8 nor GBK text"))
    raise StatementRefused([_("The file is neither UTF-8 nor GBK text.")])


def _refuse(line: int, message: str):
    raise StatementRefused([_("Line %(line)s: %(message)s.") % {"line": line, "message": message}])


def _date(text: str) -> date | None:
    text = text.strip()
    match = re.fullmatch(r"(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?(?:\s.*)?", text)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _layout_of(row: list[str]) -> Layout | None:
    cells = {c.strip() for c in row}
    return next((layout for layout in LAYOUTS if set(layout.required) <= cells), None)


def parse(text: str, *, currency: str = "CNY") -> tuple[Layout, list[CreditLine]]:
    """Read every row of the statement ``text``; return its layout and its credit lines.
    Raises ``StatementRefused`` with line-numbered errors if any row is bad (nothing is kept)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    layout: Layout | None = None
    columns: dict[str, int] = {}
    errors: list[str] = []
    lines: list[CreditLine] = []
    seen: Counter[str] = Counter()
    try:
        for row in reader:
            number = reader.line_num
            if not any(c.strip() for c in row):
                continue
            if layout is None:
                layout = _layout_of(row)
                if layout is None and any(c.strip() == HEADER_HINT for c in row):
                    needed = " / ".join(f"{lay.credit}, {lay.payer}, {lay.memo}" for lay in LAYOUTS)
                    errors.append(_("Line %(line)s: the table's header lacks a needed column (%(needed)s).")
                                  % {"line": number, "needed": needed})  # fmt: skip
                    break
                if layout is not None:
                    columns = {c.strip(): i for i, c in enumerate(row) if c.strip()}
                continue
            first = row[0].strip()
            if first.startswith(TOTAL_MARKS) or sum(1 for c in row if c.strip()) == 1:
                continue  # a totals row, or a note under the table ("以下空白", "打印时间：…")
            line, error = _credit_line(row, number=number, layout=layout, columns=columns, currency=currency)
            if error:
                errors.append(_("Line %(line)s: %(message)s.") % {"line": number, "message": error})
            elif line is not None:
                seen[line.fingerprint] += 1
                if not line.serial:  # the same line twice in one file is two transfers
                    line = _with_fingerprint(line, f"{line.fingerprint}:{seen[line.fingerprint]}")
                lines.append(line)
    except csv.Error as exc:
        errors.append(_("Line %(line)s: %(message)s.") % {"line": reader.line_num, "message": str(exc)})
    if layout is None and not errors:
        errors.append(_("No table header found: the file needs a row with %(columns)s.")
                      % {"columns": ", ".join(LAYOUTS[0].required)})  # fmt: skip
    if errors:
        raise StatementRefused(errors)
    assert layout is not None
    return layout, lines


def _with_fingerprint(line: CreditLine, fingerprint: str) -> CreditLine:
    return CreditLine(**{**line.__dict__, "fingerprint": fingerprint})


def _credit_line(
    row: list[str], *, number: int, layout: Layout, columns: dict[str, int], currency: str
) -> tuple[CreditLine | None, str]:
    def cell(title: str) -> str:
        if not title or title not in columns:
            return ""
        index = columns[title]
        return row[index].strip() if index < len(row) else ""

    booked_on = _date(cell(layout.date))
    if booked_on is None:
        return None, _("“%(text)s” is not a date") % {"text": cell(layout.date)[:40]}
    credit_text = cell(layout.credit)
    if credit_text in ("", "-", "--"):
        credit = Money.from_minor(0, currency)
    else:
        try:
            credit = parse_amount(credit_text, currency=currency)
        except InvalidAmount as exc:
            return None, _("the amount “%(text)s” is not understood (%(why)s)") % {
                "text": credit_text[:40],
                "why": str(exc),
            }
    if credit.amount <= 0:
        return None, ""  # a debit (money out), or an empty line of the table: not ours to match
    serial = cell(layout.serial)
    account = re.sub(r"\D", "", cell(layout.account))
    fields = [booked_on.isoformat(), cell(layout.time), str(credit.to_minor()), cell(layout.payer), account,
              cell(layout.memo)]  # fmt: skip
    fingerprint = (
        f"{layout.name}:serial:{serial}"
        if serial
        else f"{layout.name}:line:{hashlib.sha256(chr(31).join(fields).encode()).hexdigest()[:32]}"
    )
    return CreditLine(line_no=number, booked_on=booked_on, amount=credit, payer_name=cell(layout.payer)[:120],
                      payer_account_tail=account[-4:], memo=cell(layout.memo)[:200], serial=serial[:80],
                      fingerprint=fingerprint[:120]), ""  # fmt: skip


def _candidates(line: CreditLine) -> tuple[list[OfflineGift], list[PoolPayIn]]:
    memo, serial = normalise(line.memo), normalise(line.serial)
    gifts = [
        g
        for g in OfflineGift.objects.select_for_update(of=("self",))
        .filter(
            channel=OfflineChannel.BANK_TRANSFER,
            status=OfflineGiftStatus.RECORDED,
            amount_minor=line.amount.to_minor(),
            currency=line.amount.currency,
            statement_line__isnull=True,
        )
        .order_by("pk")
        if (ref := normalise(g.reference)) and (ref in memo or ref == serial)
    ]
    payer = normalise(line.payer_name)
    pay_ins = (
        [
            p
            for p in PoolPayIn.objects.select_for_update(of=("self",))
            .select_related("pool__matcher")
            .filter(
                method=PayInMethod.BANK_TRANSFER,
                amount_minor=line.amount.to_minor(),
                currency=line.amount.currency,
                statement_line__isnull=True,
            )
            .filter(Q(status=PayInStatus.RECORDED) | Q(status=PayInStatus.CONFIRMED))
            .order_by("pk")
            if payer in {normalise(p.pool.matcher.name), normalise(p.pool.matcher.name_en or "")}
        ]
        if payer
        else []
    )
    return gifts, pay_ins


def statement_import(*, data: bytes, file_name: str, actor: Actor) -> ImportResult:
    """Import a bank statement file (bytes as uploaded) and match its new credit lines.

    Raises ``PermissionDenied`` (not a finance officer) and ``StatementRefused`` (a file too large,
    in another encoding, without a known table header, or with any bad row: line-numbered errors;
    nothing is written). Importing a file again imports none of the lines already imported."""
    if not in_role(actor, FINANCE_OFFICERS):
        raise PermissionDenied(_("Only a finance officer may import a bank statement."))
    if len(data) > MAX_BYTES:
        raise StatementRefused([_("The file is larger than 5 MB.")])
    layout, lines = parse(decode(data))
    counts: Counter[str] = Counter()
    try:
        with transaction.atomic():
            known = set(
                BankStatementLine.objects.filter(line_key__in=[c.fingerprint for c in lines]).values_list(
                    "line_key", flat=True
                )
            )
            fresh = [c for c in lines if c.fingerprint not in known]
            statement = StatementImport.objects.create(
                file_name=file_name[:200], digest=hashlib.sha256(data).hexdigest(), layout=layout.name,
                imported_by=actor, credit_lines=len(lines), new_lines=len(fresh),
            )  # fmt: skip
            for credit in fresh:
                counts[_match_and_store(statement, credit)] += 1
            statement.matched = counts[LineOutcome.MATCHED]
            statement.save(update_fields=["matched"])
            audit(actor=actor, action="bank_statement.imported", subject=statement,
                  data={"credit_lines": len(lines), "new": len(fresh), **counts})  # fmt: skip
    except IntegrityError as exc:  # the same lines imported at the same moment by someone else
        raise StatementRefused(
            [_("Another import of these lines is running; try again in a moment.")]
        ) from exc
    return ImportResult(statement=statement, credit_lines=len(lines), new_lines=len(fresh),
                        matched=counts[LineOutcome.MATCHED], ambiguous=counts[LineOutcome.AMBIGUOUS],
                        unmatched=counts[LineOutcome.UNMATCHED])  # fmt: skip


def _match_and_store(statement: StatementImport, credit: CreditLine) -> str:
    gifts, pay_ins = _candidates(credit)
    found = len(gifts) + len(pay_ins)
    outcome = (
        LineOutcome.MATCHED if found == 1 else (LineOutcome.AMBIGUOUS if found else LineOutcome.UNMATCHED)
    )
    note = ""
    if found > 1:
        note = _("%(n)s expected transfers fit this line: offline gifts %(gifts)s, pledge pay-ins %(pay_ins)s") % {
            "n": found, "gifts": ", ".join(str(g.pk) for g in gifts) or "-",
            "pay_ins": ", ".join(str(p.pk) for p in pay_ins) or "-",
        }  # fmt: skip
    BankStatementLine.objects.create(
        statement=statement, line_key=credit.fingerprint, line_no=credit.line_no, booked_on=credit.booked_on,
        amount_minor=credit.amount.to_minor(), currency=credit.amount.currency, payer_name=credit.payer_name,
        payer_account_tail=credit.payer_account_tail, memo=credit.memo, serial=credit.serial, outcome=outcome,
        offline_gift=gifts[0] if found == 1 and gifts else None,
        pay_in=pay_ins[0] if found == 1 and pay_ins else None, note=note[:300],
    )  # fmt: skip
    return outcome


def statement_line_match(
    *,
    line: BankStatementLine,
    actor: Actor,
    offline_gift: OfflineGift | None = None,
    pay_in: PoolPayIn | None = None,
) -> BankStatementLine:
    """A finance officer matches an unmatched or ambiguous line to the one transfer it pays (an
    offline bank-transfer gift still recorded, or a pool pay-in by bank transfer), e.g. after
    asking the bank; a second officer still confirms the gift. Raises ``PermissionDenied`` and
    ``StatementRefused`` (the line is matched already, or the transfer does not fit: another
    amount or currency, not a bank transfer, decided, or already seen on another line)."""
    if not in_role(actor, FINANCE_OFFICERS):
        raise PermissionDenied(_("Only a finance officer may import a bank statement."))
    if (offline_gift is None) == (pay_in is None):
        raise StatementRefused([_("Choose one offline gift or one pledge pay-in.")])
    with transaction.atomic():
        line = BankStatementLine.objects.select_for_update().get(pk=line.pk)
        if line.outcome not in (LineOutcome.UNMATCHED, LineOutcome.AMBIGUOUS):
            raise StatementRefused([_("This line is already matched or resolved.")])
        target = (
            (offline_gift or pay_in).__class__.objects.select_for_update().get(pk=(offline_gift or pay_in).pk)
        )
        taken = (
            BankStatementLine.objects.filter(
                **({"offline_gift": target} if offline_gift else {"pay_in": target})
            )
            .exclude(pk=line.pk)
            .exists()
        )
        fits = (target.amount_minor, target.currency) == (line.amount_minor, line.currency) and not taken
        if offline_gift is not None:
            fits = (
                fits
                and target.channel == OfflineChannel.BANK_TRANSFER
                and target.status == OfflineGiftStatus.RECORDED
            )
        else:
            fits = (
                fits and target.method == PayInMethod.BANK_TRANSFER and target.status != PayInStatus.REJECTED
            )
        if not fits:
            raise StatementRefused(
                [
                    _(
                        "That transfer does not fit this line (amount, kind or state), or is already on another line."
                    )
                ]
            )
        line.offline_gift, line.pay_in = (target, None) if offline_gift is not None else (None, target)
        line.outcome, line.note = LineOutcome.MATCHED, f"matched by hand by {actor}"[:300]
        line.save(update_fields=["offline_gift", "pay_in", "outcome", "note"])
        audit(actor=actor, action="bank_statement.matched", subject=line,
              data={"offline_gift": getattr(offline_gift, "pk", None), "pay_in": getattr(pay_in, "pk", None)})  # fmt: skip
    return line


def statement_line_resolve(*, line: BankStatementLine, actor: Actor, note: str) -> BankStatementLine:
    """A finance officer settles an unmatched or ambiguous line that pays no expected transfer
    (bank interest, a payment for something else), saying what it is. Raises ``PermissionDenied``
    and ``StatementRefused`` (no note; the line is matched or resolved already)."""
    if not in_role(actor, FINANCE_OFFICERS):
        raise PermissionDenied(_("Only a finance officer may import a bank statement."))
    if not note.strip():
        raise StatementRefused([_("Say what this money is.")])
    with transaction.atomic():
        line = BankStatementLine.objects.select_for_update().get(pk=line.pk)
        if line.outcome not in (LineOutcome.UNMATCHED, LineOutcome.AMBIGUOUS):
            raise StatementRefused([_("This line is already matched or resolved.")])
        line.outcome, line.note = LineOutcome.RESOLVED, note.strip()[:300]
        line.save(update_fields=["outcome", "note"])
        audit(actor=actor, action="bank_statement.resolved", subject=line, reason=line.note)
    return line
