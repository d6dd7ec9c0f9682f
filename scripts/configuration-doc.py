#!/usr/bin/env python3
"""Regenerates docs/configuration.md's table from ConfigKey.java (ConfigLoaderTest checks they agree)."""
import re
import pathlib

root = pathlib.Path(__file__).resolve().parent.parent
src = (root / 'src/main/java/dev/intercept/config/ConfigKey.java').read_text()
body = src[src.index('public enum ConfigKey {'):src.index('private final String key;')]
entries = re.findall(r'([A-Z0-9_]+)\("([a-z0-9-]+)",\s*(.*?),\s*EnumSet\.of\(([^)]*)\),\s*(null|"[A-Z]+"),\s*((?:"[^"]*"\s*\+?\s*)+)\)', body, re.S)
rows = []
for const, key, default, roles, alias, doc in entries:
    doc = ''.join(re.findall(r'"([^"]*)"', doc))
    default = default.strip()
    if default == 'null':
        default = '(required)'
    elif default.startswith('"'):
        default = default.strip('"') or '(empty)'
    env = 'INTERCEPT_' + key.upper().replace('-', '_')
    if alias != 'null':
        env = alias.strip('"') + ', ' + env
    roles = ', '.join(r.strip().lower() for r in roles.split(','))
    rows.append(f"| `{key}` | {roles} | `{default}` | `--{key}` | {env} | {doc} |")
doc_path = root / 'docs/configuration.md'
text = doc_path.read_text()
start = text.index('| key | roles |')
end = text.index('\n\n', start)
header = '| key | roles | default | flag | environment | meaning |\n| --- | --- | --- | --- | --- | --- |\n'
doc_path.write_text(text[:start] + header + '\n'.join(rows) + text[end:])
print(f'{len(rows)} keys')
