#!/usr/bin/env python3
"""--help and the man page come from one struct bh_command per command: for every command that
`bulkhead help` lists, its --help synopsis, description, each option's flags and help text must
appear in docs/man/bulkhead.1 (after undoing roff escapes), and `bulkhead help CMD` must print
the same text as `bulkhead CMD --help`."""
import os
import re
import subprocess
import sys

bh = os.environ["BULKHEAD"]
man_path = os.path.join(os.environ["SRCDIR"], "docs", "man", "bulkhead.1")


def run(*args):
    return subprocess.run([bh, *args], capture_output=True, text=True, check=False)


def unroff(s):
    return s.replace("\\-", "-").replace("\\e", "\\").replace("\\&", "")


def flat(s):
    return re.sub(r"\s+", " ", s).strip()


with open(man_path, encoding="utf-8") as f:
    man = flat(unroff(f.read()))
listing = run("help").stdout
commands = re.findall(r"^  ([a-z][a-z-]*) ", listing, re.M)
bad = 0
if not commands:
    print("bulkhead help lists no commands")
    sys.exit(1)
for c in commands:
    h = run(c, "--help")
    if h.returncode != 0:
        print(f"{c} --help exits {h.returncode}")
        bad += 1
        continue
    if run("help", c).stdout != h.stdout:
        print(f"'help {c}' differs from '{c} --help'")
        bad += 1
    text = h.stdout
    usage = re.match(r"usage: bulkhead (.*)\n", text)
    if not usage or flat("bulkhead " + usage.group(1)) not in man:
        print(f"{c}: synopsis not in the man page")
        bad += 1
    desc = text.split("\n\n")[1] if "\n\n" in text else ""
    if flat(desc) not in man:
        print(f"{c}: description not in the man page")
        bad += 1
    for flags, helptext in re.findall(r"^  (-\S.*?)  +(\S.*)$", text, re.M):
        if flat(flags) not in man or flat(helptext) not in man:
            print(f"{c}: option {flags} not in the man page")
            bad += 1
print(f"help/man: {len(commands)} commands checked, {bad} problems")
sys.exit(1 if bad else 0)
