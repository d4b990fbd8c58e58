#!/usr/bin/env bash
# The catalog check (core/catalog/README.md): the one catalog of user-facing text is whole.
#   1. every entry of core/catalog/*.cat has an en, a zh and a ur text, and no line is malformed;
#   2. every placeholder of an entry's en text ({name}, {name:kind}) appears in its zh and ur texts
#      (by name: zh and ur may ask for a label, {field:field}, where en shows the code, {field});
#   3. keys are unique across all the files;
#   4. every key the code uses exists: string literals passed to MakeError, MakeMessage, WrapError,
#      MakeWarning and Translate in the folders of KEY_FOLDERS, and, in the folders of
#      LITERAL_FOLDERS, every string literal shaped like a key ("word.word") whose first word is
#      a namespace of the catalog (keys handed to helpers: BadCsv, CheckDigits, hint tables),
#      except on #include lines and lines marked "catalog: not a key";
#   5. no MakeErrorText (a sentence without a key) is left in the folders of NO_TEXT_FOLDERS;
#   6. every kind of label the code asks for, Label("kind", ...) or CodeLabel("kind", ...) in the
#      folders of KEY_FOLDERS, has label.<kind>.* keys;
#   7. the web app's JavaScript (WEB_FOLDERS): every string literal shaped like a key, in single
#      or double quotes, whose first word is a namespace of the catalog, exists (keys built at run
#      time, 'web.sync.phase.' + phase, are checked by web/test/app_test.mjs, which looks for
#      keys shown instead of words on every screen in every language).
# Usage: tests/catalog_test.sh [source root]   (default: the repository this script is in)
# It first checks itself on a small tree with known faults, then checks the real tree.
# Exit 0: clean; 1: faults (each printed as file:line: rule); 2: the self-check failed.
set -euo pipefail

# The folders each rule covers; extend them as other folders are converted.
KEY_FOLDERS="core sync desktop wasm"
LITERAL_FOLDERS="core/src core/demo desktop/cli/hints.cpp desktop/app"
NO_TEXT_FOLDERS="core sync desktop wasm"
WEB_FOLDERS="web/src"

# JavaScript files under the given folders.
web_sources() (
  local f
  for f in "$@"; do
    [ -e "$f" ] || continue
    find "$f" -name node_modules -prune -o -type f -name '*.js' -print
  done | LC_ALL=C sort
)

# Source files under the given folders (paths relative to the tree's root).
sources() (
  local f
  for f in "$@"; do
    [ -e "$f" ] || continue
    find "$f" \( -name build -o -name node_modules \) -prune -o -type f \
      \( -name '*.cpp' -o -name '*.h' -o -name '*.cc' -o -name '*.inc' \) -print
  done | LC_ALL=C sort
)

# Prints one line per fault in the tree at $1.
check_tree() (
  cd "$1"
  local cats=()
  for f in core/catalog/*.cat; do [ -e "$f" ] && cats+=("$f"); done
  if [ ${#cats[@]} -eq 0 ]; then
    echo "core/catalog:0: no catalog files"
    return 0
  fi

  # Rules 1-3 over the catalog files, in awk. Output: faults, and "KEY <key>" lines for rule 4.
  awk '
    function placeholders(text, out,    n, rest, name) {
      delete out
      n = 0
      rest = text
      gsub(/\{\{/, "", rest)
      while (match(rest, /\{[A-Za-z0-9_]+(:[A-Za-z_]+)?\}/)) {
        name = substr(rest, RSTART + 1, RLENGTH - 2)
        sub(/:.*/, "", name)
        out[name] = 1
        n++
        rest = substr(rest, RSTART + RLENGTH)
      }
      return n
    }
    function finish(    lang, name, ok) {
      if (key == "") return
      for (lang in need) {
        if (!(lang in text)) printf "%s:%d: %s has no %s text\n", kfile, kline, key, lang
      }
      if ("en" in text) {
        placeholders(text["en"], en)
        for (lang in need) {
          if (lang == "en" || !(lang in text)) continue
          placeholders(text[lang], other)
          for (name in en) {
            if (!(name in other)) {
              printf "%s:%d: %s: {%s} of the en text is missing from the %s text\n", kfile, kline, key, name, lang
            }
          }
        }
      }
      delete text
      key = ""
    }
    BEGIN { need["en"] = 1; need["zh"] = 1; need["ur"] = 1 }
    FNR == 1 { finish() }
    {
      line = $0
      sub(/\r$/, "", line)
      if (line ~ /^[ \t]*$/ || line ~ /^[ \t]*#/) next
      if (line !~ /^[ \t]/) {
        finish()
        if (line !~ /^[a-z][a-z0-9_]*(\.[A-Za-z0-9_]+)*[ \t]*$/) {
          printf "%s:%d: not a key (dotted words, the first lowercase): %s\n", FILENAME, FNR, line
          next
        }
        key = line
        sub(/[ \t]+$/, "", key)
        kfile = FILENAME
        kline = FNR
        if (key in seen) printf "%s:%d: key %s is also at %s\n", FILENAME, FNR, key, seen[key]
        seen[key] = FILENAME ":" FNR
        print "KEY " key
        next
      }
      body = line
      sub(/^[ \t]+/, "", body)
      if (key == "" || body !~ /^(en|zh|ur):/) {
        printf "%s:%d: not a text line (en:, zh: or ur: under a key)\n", FILENAME, FNR
        next
      }
      lang = substr(body, 1, 2)
      value = substr(body, 4)
      sub(/^[ \t]+/, "", value)
      if (lang in text) printf "%s:%d: %s has two %s texts\n", FILENAME, FNR, key, lang
      if (value == "") printf "%s:%d: %s has an empty %s text\n", FILENAME, FNR, key, lang
      text[lang] = value
    }
    END { finish() }
  ' "${cats[@]}" >"$tmp/cat.out"
  grep -v '^KEY ' "$tmp/cat.out" || true
  sed -n 's/^KEY //p' "$tmp/cat.out" | LC_ALL=C sort -u >"$tmp/keys"
  sed 's/\..*//' "$tmp/keys" | LC_ALL=C sort -u >"$tmp/namespaces"

  # Rule 4: keys used by the code. Files are read whole (calls span lines), so a use is named
  # by its file and the line of its literal.
  : >"$tmp/uses"
  local file
  # shellcheck disable=SC2086
  for file in $(sources $KEY_FOLDERS); do
    tr '\n' '\1' <"$file" |
      grep -oE '(MakeError|WrapError|MakeMessage|Translate)\([[:space:]\1]*(ErrorCode::[A-Za-z]+,[[:space:]\1]*)?"[^"]*"|MakeWarning\([^;]*' |
      grep -oE '"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+"' | tr -d '"' |
      while IFS= read -r k; do echo "$file $k"; done >>"$tmp/uses" || true
  done
  # shellcheck disable=SC2086
  for file in $(sources $LITERAL_FOLDERS); do
    { grep -vE '^[[:space:]]*#[[:space:]]*include|catalog: not a key' "$file" || true; } |
      grep -oE '"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+"' | tr -d '"' |
      while IFS= read -r k; do
        if grep -qxF -- "${k%%.*}" "$tmp/namespaces"; then echo "$file $k"; fi
      done >>"$tmp/uses" || true
  done
  # shellcheck disable=SC2086
  for file in $(web_sources $WEB_FOLDERS); do
    { grep -v 'catalog: not a key' "$file" | grep -oE "[\"'][a-z][a-z0-9_]*(\.[a-zA-Z0-9_]+)+[\"']" || true; } |
      tr -d "\"'" |
      while IFS= read -r k; do
        if grep -qxF -- "${k%%.*}" "$tmp/namespaces"; then echo "$file $k"; fi
      done >>"$tmp/uses" || true
  done
  LC_ALL=C sort -u "$tmp/uses" | while read -r file k; do
    if ! grep -qxF -- "$k" "$tmp/keys"; then
      num=$({ grep -nE -- "[\"']${k//./\\.}[\"']" "$file" || true; } | head -1 | cut -d: -f1)
      echo "$file:${num:-0}: uses the key $k, which no catalog file has"
    fi
  done

  # Rule 6: kinds of label asked for.
  sed -n 's/^label\.\([a-z_]*\)\..*/\1/p' "$tmp/keys" | LC_ALL=C sort -u >"$tmp/label_kinds"
  # shellcheck disable=SC2086
  for file in $(sources $KEY_FOLDERS); do
    { grep -noE '(^|[^A-Za-z_:])(CodeLabel|Label)\("[a-z_]+"' "$file" || true; } |
      sed -E 's/^([0-9]+):.*\("([a-z_]+)"$/\1 \2/' |
      while read -r num kind; do
        grep -qxF -- "$kind" "$tmp/label_kinds" ||
          echo "$file:$num: label kind $kind has no label.$kind.* key"
      done
  done

  # Rule 5: sentences without a key.
  # shellcheck disable=SC2086
  for file in $(sources $NO_TEXT_FOLDERS); do
    case "$file" in core/include/dosti/result.h) continue ;; esac
    { grep -nE 'MakeErrorText[[:space:]]*\(' "$file" || true; } | cut -d: -f1 |
      while IFS= read -r num; do
        echo "$file:$num: MakeErrorText: give the error a catalog key (MakeError)"
      done
  done
  true
)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---- Self-check: a tree with one fault of each kind and the allowed cases next to them.
fake="$tmp/fake"
mkdir -p "$fake"/{core/catalog,core/src,core/include/dosti,sync/src,desktop/cli}
cat >"$fake/core/catalog/a.cat" <<'EOF'
# a comment
good.key
  en: {path} is {size:bytes} bytes, {{literal}}
  zh: {path} 为 {size} 字节
  ur: {path} {size} بائٹ

missing.ur
  en: no Urdu
  zh: 没有乌尔都语

lost.placeholder
  en: line {line}: {what:msg}
  zh: 第 {line} 行
  ur: لائن {line}: {what:msg}

label.good.key
  en: good
  zh: 好
  ur: اچھا
EOF
cat >"$fake/core/catalog/b.cat" <<'EOF'
good.key
  en: again
  zh: 再
  ur: دوبارہ

Bad Key
  en: x
  zh: x
  ur: x
EOF
cat >"$fake/core/src/ok.cpp" <<'EOF'
Error A() { return MakeError(ErrorCode::kIo,
                             "good.key", {{"path", p}}); }
std::string file = "notes.txt";  // not a key: no namespace of the catalog
EOF
cat >"$fake/core/src/bad.cpp" <<'EOF'
Error B() { return MakeError(ErrorCode::kIo, "no.such.key"); }
Error C() { return MakeErrorText(ErrorCode::kIo, "a sentence"); }
const char* kHelperKey = "good.nothere";
std::string D() { return CodeLabel("nosuchkind", "x", "en") + Label("good", "key", "en"); }
EOF
printf 'inline Error MakeErrorText(ErrorCode c, std::string m) { return {}; }\n' \
  >"$fake/core/include/dosti/result.h"
printf 'Message M() { return MakeMessage("sync.unknown"); }\n' >"$fake/sync/src/s.cpp"
mkdir -p "$fake/tests" "$fake/web/src"
printf "t('good.key'); t(\"good.gone\"); t('good.prefix.' + x); import './not.a.key.js';\n" >"$fake/web/src/a.js"
printf 'Error E() { return MakeErrorText(ErrorCode::kIo, "allowed in tests"); }\n' >"$fake/tests/t.cpp"
check_tree "$fake" >"$tmp/self.out" || true
expected="core/catalog/a.cat:7: missing.ur has no ur text
core/catalog/a.cat:11: lost.placeholder: {what} of the en text is missing from the zh text
core/catalog/b.cat:1: key good.key is also at core/catalog/a.cat:2
core/catalog/b.cat:6: not a key (dotted words, the first lowercase): Bad Key
core/catalog/b.cat:7: not a text line (en:, zh: or ur: under a key)
core/catalog/b.cat:8: not a text line (en:, zh: or ur: under a key)
core/catalog/b.cat:9: not a text line (en:, zh: or ur: under a key)
core/src/bad.cpp:1: uses the key no.such.key, which no catalog file has
core/src/bad.cpp:2: MakeErrorText: give the error a catalog key (MakeError)
core/src/bad.cpp:3: uses the key good.nothere, which no catalog file has
core/src/bad.cpp:4: label kind nosuchkind has no label.nosuchkind.* key
sync/src/s.cpp:1: uses the key sync.unknown, which no catalog file has
web/src/a.js:1: uses the key good.gone, which no catalog file has"
got=$(LC_ALL=C sort "$tmp/self.out")
if [ "$got" != "$(echo "$expected" | LC_ALL=C sort)" ]; then
  echo "catalog_test: the self-check on a known tree failed." >&2
  echo "expected:" >&2; echo "$expected" >&2
  echo "got:" >&2; echo "$got" >&2
  exit 2
fi

# ---- The real tree.
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
check_tree "$root" >"$tmp/real.out"
if [ -s "$tmp/real.out" ]; then
  echo "catalog_test: $(wc -l <"$tmp/real.out") fault(s) in the catalog or its uses:"
  cat "$tmp/real.out"
  exit 1
fi
echo "catalog_test: ok ($(wc -l <"$tmp/keys") keys in $(ls "$root"/core/catalog/*.cat | wc -l) files)"
