# Writes the git commit a build comes from into a properties file (CodeIdentity's resource): commit=<full hash>
# and dirty=true|false (whether tracked or new, not ignored, files differ from the commit); both "unknown"
# outside a git checkout or without git. Run by the experiment module's build (exec-maven-plugin, sh):
#   sh .mvn/code-identity.sh OUT_FILE REPOSITORY_DIR
# The file is rewritten only when its content changes, so an unchanged build stays up to date.
out=$1
repo=$2
if commit=$(git -C "$repo" rev-parse --verify -q HEAD 2>/dev/null) && [ -n "$commit" ]; then
  if [ -n "$(git -C "$repo" status --porcelain 2>/dev/null | head -n 1)" ]; then dirty=true; else dirty=false; fi
else
  commit=unknown
  dirty=unknown
fi
mkdir -p "$(dirname "$out")"
tmp="$out.tmp.$$"
printf '# written by .mvn/code-identity.sh at build time\ncommit=%s\ndirty=%s\n' "$commit" "$dirty" > "$tmp"
if cmp -s "$tmp" "$out"; then rm -f "$tmp"; else mv "$tmp" "$out"; fi
