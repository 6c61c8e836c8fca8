# textwrap, string.Template, difflib: pure-Python text processing.
# half: held-out
import difflib
import string
import textwrap

WORDS = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor "
         "incididunt ut labore et dolore magna aliqua").split()


def bench():
    text = " ".join(WORDS[(i * 7) % len(WORDS)] for i in range(6000))
    wrapped = textwrap.fill(text, width=60)
    dedented = textwrap.dedent(textwrap.indent(wrapped, "    "))
    tmpl = string.Template("$name owes $$${amount} to ${who}")
    filled = [tmpl.substitute(name="n%d" % i, amount=i, who="w") for i in range(8000)]
    a = wrapped.splitlines()
    b = [line.replace("dolor", "color") if i % 5 == 0 else line for i, line in enumerate(a)]
    diff = list(difflib.unified_diff(a[:300], b[:300], lineterm=""))
    return len(wrapped), len(dedented), filled[-1], len(diff)
