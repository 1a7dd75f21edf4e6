#!/usr/bin/env bash
# The monitoring files under deploy/: the alert rules pass `promtool check rules` and their
# unit tests (`promtool test rules`); every dashboard query is valid PromQL (checked by promtool
# as a recording rule); and every metric the rules and the dashboard name is one mcprt declares.
# Usage: deploy_check.sh SOURCE_DIR NODE
set -euo pipefail
src=$(cd "$1" && pwd)
node=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
command -v promtool >/dev/null || fail "promtool is missing (Debian package prometheus)"

promtool check rules "$src/deploy/prometheus/mcprt-alerts.yml"
(cd "$src/deploy/prometheus" && promtool test rules mcprt-alerts.test.yml)

# The dashboard's queries, with its variables filled in, as recording rules.
"$node" -e '
  const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const exprs = d.panels.flatMap((p) => (p.targets || []).map((t) => t.expr));
  if (exprs.length < 10) throw new Error("too few dashboard queries: " + exprs.length);
  const rules = exprs.map((e, i) => "      - record: dashboard:query_" + i + "\n        expr: " +
    JSON.stringify(e.replaceAll("$__rate_interval", "5m").replaceAll("$job", "mcprt").replaceAll("$instance", ".*")));
  process.stdout.write("groups:\n  - name: dashboard\n    rules:\n" + rules.join("\n") + "\n");
' "$src/deploy/grafana/mcprt-dashboard.json" >"$work/dashboard-rules.yml"
promtool check rules "$work/dashboard-rules.yml"

# Metric names: every quoted name of the metric families mcprt declares (prometheus-cpp's
# Name("..."), the scrape-time gauges, the /proc families), against those the files use.
{
  grep -rhoE '"(mcp|mcprt|process)_[a-z_]+"' "$src/runtime" "$src/actors" | tr -d '"'
  echo up
} | sort -u >"$work/declared"
grep -hoE '[a-z_:]+\{' "$src/deploy/prometheus/mcprt-alerts.yml" "$work/dashboard-rules.yml" |
  tr -d '{' | sed -E 's/_(bucket|count|sum)$//' | grep -vE '^(by|dashboard:.*)$' | sort -u >"$work/used"
missing=$(comm -23 "$work/used" "$work/declared")
[ -z "$missing" ] || fail "metrics the deploy files use but mcprt does not declare: $missing"
echo "deploy: rules, rule tests and $(grep -c record: "$work/dashboard-rules.yml") dashboard queries check; $(wc -l <"$work/used") metric names all declared"
