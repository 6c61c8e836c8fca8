# textwrap (wrap/fill/shorten/dedent/indent, TextWrapper options) and string (constants,
# capwords, Template, Formatter).
import string
import textwrap

para = ("The Zen of Python, by Tim Peters. Beautiful is better than ugly. Explicit is better than implicit. "
        "Simple is better than complex. Complex is better than complicated. Flat is better than nested.")
for width in (20, 35, 60):
    print(f"--- width {width}")
    print(textwrap.fill(para, width=width))
print(textwrap.wrap("short", 10), textwrap.wrap("", 10), textwrap.wrap("a-very-long-hyphenated-compound-word here", 12))
print(textwrap.wrap("Supercalifragilisticexpialidocious is long", 10), textwrap.wrap("Supercalifragilistic word", 10, break_long_words=False))
print(textwrap.shorten(para, width=50), "|", textwrap.shorten("Hello  world!", width=12), "|", textwrap.shorten(para, 40, placeholder=" [more]"))
w = textwrap.TextWrapper(width=30, initial_indent="* ", subsequent_indent="  ", max_lines=3, placeholder=" ...")
print("\n".join(w.wrap(para)))
w2 = textwrap.TextWrapper(width=25, expand_tabs=True, tabsize=4, replace_whitespace=True, drop_whitespace=False, fix_sentence_endings=True)
print(w2.wrap("One.\tTwo.  Three four five. Six seven eight nine ten."))
code = """
    def f(x):
        if x:
            return 1
        return 0
"""
print(textwrap.dedent(code))
print(textwrap.indent("a\nb\n\nc", "> "), textwrap.indent("a\n\nb", "+", predicate=lambda ln: True), sep="\n")
print(textwrap.dedent("  x\n\ty\n"), repr(textwrap.dedent("\n   a\n     b\n   c")))

print(string.ascii_letters, string.ascii_lowercase, string.ascii_uppercase)
print(string.digits, string.hexdigits, string.octdigits, repr(string.whitespace), len(string.printable))
print(string.punctuation, string.capwords("hello   big  world"), string.capwords("a-b c-d", "-"))
t = string.Template("$who likes $what; ${who}'s cost: $$${price}")
print(t.substitute(who="tim", what="kung pao", price=9), t.safe_substitute(who="ann"))
print(t.get_identifiers(), t.is_valid(), string.Template("$ok $1bad").is_valid())
try:
    t.substitute(who="x")
except KeyError as e:
    print("KeyError:", e)
try:
    string.Template("$").substitute()
except ValueError as e:
    print("ValueError:", e)

class PctTemplate(string.Template):
    delimiter = "%"
    idpattern = r"[a-z][_a-z0-9]*"

print(PctTemplate("%name is %{age}y, 100%% sure").substitute(name="Bo", age=7))
fmt = string.Formatter()
print(list(fmt.parse("Hi {name!r:>10}, you owe {amount:,.2f} {{literal}} {0[1]}")))
print(fmt.format("{0}-{1}-{0}", "a", "b"), fmt.vformat("{x.real}|{y[k]}", (), {"x": 3 + 4j, "y": {"k": "v"}}))

class DefaultFormatter(string.Formatter):
    def get_value(self, key, args, kwargs):
        if isinstance(key, str):
            return kwargs.get(key, f"<{key}?>")
        return super().get_value(key, args, kwargs)
    def convert_field(self, value, conversion):
        return str(value).upper() if conversion == "u" else super().convert_field(value, conversion)

print(DefaultFormatter().format("{a} {b} {c!u} {0:*^9}", "mid", a=1, c="shout"))
table = str.maketrans("abc", "xyz", "!")
print("aabbcc!!".translate(table), "{:^11}".format("center"), "%-6s|%06.2f|%x|%r" % ("ab", 3.14159, 255, "q"))
