"""A fake gateway under a name that does not say so: the deploy check must still refuse it."""

from payments.gateway.card_fake import FakeGateway


class PlainGateway(FakeGateway):
    pass
