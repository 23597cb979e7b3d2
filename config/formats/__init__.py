"""Date formats the site uses where Django's defaults do not fit (``FORMAT_MODULE_PATH``)."""
