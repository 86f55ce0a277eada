# Reads the few NoCloud seed keys that the tiny image reports (busybox awk).
#
# Not a YAML parser: it understands the shapes that seeds use in practice.
#   awk -f seed.awk -v want=scalar -v key=instance-id meta-data
#       prints the value of a top-level "key: value" line (quotes removed).
#   awk -f seed.awk -v want=list -v key=public-keys meta-data
#       prints one item per line of every "key:" (at any depth) whose value is
#       a block list ("- item", continuation lines are joined), a flow list
#       ("[a, b]"), a single scalar, or a mapping ("name: item"; nested mappings
#       such as "0: {openssh-key: item}" written as blocks also work).

function trim(s) {
  sub(/^[ \t]+/, "", s)
  sub(/[ \t]+$/, "", s)
  return s
}

function unquote(s) {
  s = trim(s)
  if (s ~ /^".*"$/ || s ~ /^'.*'$/) {
    s = substr(s, 2, length(s) - 2)
  } else {
    # An unquoted YAML comment starts with " #".
    sub(/[ \t]+#.*$/, "", s)
  }
  return trim(s)
}

function indent_of(s) {
  match(s, /^ */)
  return RLENGTH
}

function emit(s) {
  s = unquote(s)
  if (s != "") print s
}

function flush_item() {
  if (item != "") emit(item)
  item = ""
}

function emit_inline(value, n, parts, i) {
  value = trim(value)
  if (value == "" || value == "|" || value == ">") return
  if (value ~ /^\[.*\]$/) {
    value = substr(value, 2, length(value) - 2)
    n = split(value, parts, ",")
    for (i = 1; i <= n; i++) emit(parts[i])
    return
  }
  emit(value)
}

BEGIN {
  in_block = 0
  item = ""
  item_indent = -1
}

{
  sub(/\r$/, "")
  line = $0
}

want == "scalar" {
  prefix = key ":"
  if (index(line, prefix) == 1 && !done) {
    print unquote(substr(line, length(prefix) + 1))
    done = 1
  }
  next
}

# want == "list" from here on.
in_block {
  stripped = trim(line)
  if (stripped == "" || stripped ~ /^#/) next
  ind = indent_of(line)
  if (ind < parent_indent || (ind == parent_indent && stripped !~ /^- /)) {
    flush_item()
    in_block = 0
    # Fall through: this line may open another block.
  } else {
    body = stripped
    is_new = 0
    if (body ~ /^- /) {
      body = trim(substr(body, 3))
      is_new = 1
    }
    if (body ~ /^[A-Za-z0-9_.-]+:([ \t]|$)/) {
      # A mapping entry: its value (if any) is an item; nested blocks go on.
      flush_item()
      sub(/^[A-Za-z0-9_.-]+:/, "", body)
      body = trim(body)
      if (body != "") emit(body)
      item_indent = -1
    } else if (is_new) {
      flush_item()
      item = body
      item_indent = ind
    } else if (item != "" && ind > item_indent) {
      item = item " " body
    } else {
      flush_item()
      emit(body)
    }
    next
  }
}

{
  stripped = trim(line)
  lead = line
  sub(/^ *(- )?/, "", lead)
  prefix = key ":"
  if (index(lead, prefix) == 1) {
    rest = substr(lead, length(prefix) + 1)
    if (rest != "" && rest !~ /^[ \t]/) next
    # The block's parent column is where the key itself starts.
    parent_indent = length(line) - length(lead)
    rest = trim(rest)
    if (rest == "" || rest == "|" || rest == ">") {
      in_block = 1
      item = ""
      item_indent = -1
    } else {
      emit_inline(rest)
    }
  }
}

END {
  if (in_block) flush_item()
}
