#!/usr/bin/env bash
# Rebuild the Simplified Chinese catalogue and compile it (the .mo is committed: fresh machines may lack msgfmt).
#   1. makemessages collects every msgid in the code and templates into django.po;
#   2. translations come from the areas' *.po.part files, first file wins: cms.po.part (the cms
#      area's own strings), then every other area's part, then campaigns.po.part (the cms area's
#      fallback for campaigns/ strings that other areas wrote), then what django.po already had;
#   3. msgfmt --check compiles django.mo.
# To drop a translation, remove it from the .po.part and clear its msgstr in django.po.
# Run from anywhere with the project's settings environment (DATABASE_URL etc.) exported.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
DIR=locale/zh_Hans/LC_MESSAGES
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

cp "$DIR/django.po" "$TMP/previous.po" 2>/dev/null || true
"$PYTHON" manage.py makemessages -l zh_Hans --no-location --no-obsolete \
    --ignore=.venv --ignore=var --ignore=tests --ignore=bench --ignore=node_modules >/dev/null

parts=("$DIR/cms.po.part")
for part in "$DIR"/*.po.part; do
    case "$(basename "$part")" in cms.po.part|campaigns.po.part) ;; *) parts+=("$part") ;; esac
done
parts+=("$DIR/campaigns.po.part")
[[ -f "$TMP/previous.po" ]] && parts+=("$TMP/previous.po")
# Parts are plain msgid/msgstr pairs; give the ones without a header a UTF-8 header.
inputs=()
for part in "${parts[@]}"; do
    if grep -q '^"Content-Type:' "$part"; then
        inputs+=("$part")
    else
        copy="$TMP/$(basename "$part").po"
        printf 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Plural-Forms: nplurals=1; plural=0;\\n"\n\n' > "$copy"
        cat "$part" >> "$copy"
        inputs+=("$copy")
    fi
done
msgcat --use-first --to-code=UTF-8 "${inputs[@]}" -o "$TMP/compendium.po"

# An empty catalogue as the base, so that a changed .po.part wins over an old translation.
cat > "$TMP/empty.po" <<'PO'
msgid ""
msgstr ""
"Project-Id-Version: Clearfund\n"
"Report-Msgid-Bugs-To: \n"
"PO-Revision-Date: 2026-11-29 00:00+0800\n"
"Last-Translator: Clearfund contributors\n"
"Language-Team: Chinese (Simplified)\n"
"Language: zh_Hans\n"
"MIME-Version: 1.0\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Content-Transfer-Encoding: 8bit\n"
"Plural-Forms: nplurals=1; plural=0;\n"
PO
msgmerge --quiet --no-fuzzy-matching --no-location --compendium="$TMP/compendium.po" \
    -o "$TMP/django.po" "$TMP/empty.po" "$DIR/django.po"
mv "$TMP/django.po" "$DIR/django.po"
msgfmt --check -o "$DIR/django.mo" "$DIR/django.po"
untranslated=$(msgattrib --untranslated --no-obsolete "$DIR/django.po" | grep -c '^msgid ' || true)
echo "locale: compiled $DIR/django.mo ($(( untranslated > 0 ? untranslated - 1 : 0 )) msgids untranslated)"
