#!/bin/sh
# One pull-request comment for a Pulumi stack of teleport-oidc: the access review of the change
# (`teleport-oidc plan --state ... --format markdown`) with `pulumi preview --diff` under it.
#
#   examples/ci/review-comment.sh STACK [PROGRAM_DIR] > comment.md
#
# Needs `pulumi` (logged in to the stack's backend, with the stack's secrets provider and the
# cloud credentials a preview needs) and `teleport-oidc` on PATH. The export is read from the
# stack, used and deleted: nothing of it is left behind, and secrets stay encrypted in it.
# Exit status: 0 when the comment was written (even if the preview failed: the comment says
# so), 2 on a usage error or when the review could not be made.
set -u

if [ "$#" -lt 1 ] || [ "$#" -gt 2 ]; then
    echo "usage: $0 STACK [PROGRAM_DIR] > comment.md" >&2
    exit 2
fi
stack=$1
program=${2:-.}
limit=${REVIEW_PREVIEW_LIMIT:-50000} # GitHub refuses comments over 65536 characters

cd "$program" || exit 2
work=$(mktemp -d) || exit 2
trap 'rm -rf "$work"' EXIT INT TERM

if pulumi stack export --stack "$stack" --file "$work/state.json" 2>"$work/export.err"; then
    set -- --state "$work/state.json"
else
    echo "warning: no state for stack $stack (a first deployment?): everything is new" >&2
    cat "$work/export.err" >&2
    set --
fi
if ! teleport-oidc plan . --stack "$stack" "$@" --format markdown >"$work/review.md"; then
    echo "error: teleport-oidc plan could not review stack $stack" >&2
    exit 2
fi

pulumi preview --stack "$stack" --diff --non-interactive --color=never >"$work/preview.txt" 2>&1
preview_status=$?

cat "$work/review.md"
echo
echo "<details><summary>pulumi preview --diff (exit $preview_status)</summary>"
echo
echo '````diff'
head -c "$limit" "$work/preview.txt"
if [ "$(wc -c <"$work/preview.txt")" -gt "$limit" ]; then
    echo
    echo "... cut at $limit characters: run pulumi preview --diff for the rest"
fi
echo '````'
echo
echo "</details>"
