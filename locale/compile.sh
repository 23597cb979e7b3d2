#!/usr/bin/env bash
# Rebuild the Simplified Chinese catalogues: each app's own (<app>/locale/zh_Hans/LC_MESSAGES/django.po)
# and the project's (locale/, for templates/ and config/). The .mo files are committed: fresh machines
# may lack msgfmt.
#   1. makemessages collects every msgid into the catalogue of the app whose code or templates use it
#      (an app with a locale/ folder gets its own; everything else goes to LOCALE_PATHS);
#   2. write the Chinese into that app's django.po (msgstr), then run this again;
#   3. compilemessages compiles every catalogue (msgfmt --check-format).
# Run from anywhere with the project's settings environment (DATABASE_URL etc.) exported.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
IGNORE=(--ignore=.venv --ignore=var --ignore=tests --ignore=bench --ignore=node_modules)
"$PYTHON" manage.py makemessages -l zh_Hans --no-location --no-obsolete "${IGNORE[@]}" >/dev/null
"$PYTHON" manage.py compilemessages -l zh_Hans --ignore=.venv --ignore=var --ignore=node_modules >/dev/null
for po in locale/zh_Hans/LC_MESSAGES/django.po locale/wagtail/zh_Hans/LC_MESSAGES/django.po */locale/zh_Hans/LC_MESSAGES/django.po; do
    untranslated=$(msgattrib --untranslated --no-obsolete "$po" | grep -c '^msgid ' || true)
    fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$po" | grep -c '^msgid ' || true)
    # A fuzzy entry is a guess makemessages made from a similar msgid: not compiled, so untranslated.
    echo "locale: $po ($(( untranslated > 0 ? untranslated - 1 : 0 )) msgids untranslated, $(( fuzzy > 0 ? fuzzy - 1 : 0 )) fuzzy)"
done
