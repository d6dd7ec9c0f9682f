# Parses Prometheus' text format with the reference Python client's parser (Debian's
# python3-prometheus-client) and prints every sample as JSON: name, labels, value, family type.
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

out = []
for family in text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        out.append({"family": family.name, "type": family.type, "name": s.name,
                    "labels": s.labels, "value": s.value})
print(json.dumps(out))
