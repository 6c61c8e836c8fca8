# base64 / binascii: base64, urlsafe, base32, base16, base85, ascii85, hex, crc32 and error handling.
import base64
import binascii

samples = [b"", b"f", b"fo", b"foo", b"foob", b"fooba", b"foobar", bytes(range(0, 256, 15)), "h\u00e9llo \u2603".encode()]
for s in samples:
    print(s[:12], base64.b64encode(s), base64.urlsafe_b64encode(s), base64.b32encode(s), base64.b16encode(s))
    print("   ", base64.b85encode(s), base64.a85encode(s), base64.b32hexencode(s), base64.standard_b64encode(s) == base64.b64encode(s))
    assert base64.b64decode(base64.b64encode(s)) == s and base64.b32decode(base64.b32encode(s)) == s
    assert base64.b85decode(base64.b85encode(s)) == s and base64.a85decode(base64.a85encode(s)) == s
print("round trips ok")
print(base64.b64encode(b"\xfb\xff\xfe"), base64.urlsafe_b64encode(b"\xfb\xff\xfe"), base64.b64encode(b"\xfb\xff", altchars=b"-_"))
print(base64.b64decode("aGVsbG8gd29ybGQ="), base64.b64decode(b"aGVs\nbG8=\n"), base64.urlsafe_b64decode("-_-_"))
print(base64.b32decode("mzxw6===", casefold=True), base64.b32decode("MZXW6===", map01=None), base64.b16decode("666f6f", casefold=True))
print(base64.a85encode(b"\x00\x00\x00\x00 spaces    ", foldspaces=True), base64.a85encode(b"hello world", adobe=True))
print(base64.a85encode(bytes(40), wrapcol=20), base64.a85decode(b"<~BOu!rD]j7BEbo80~>", adobe=True))
print(base64.b85encode(b"abc", pad=True), base64.b85decode(b"VPaz"))
print(base64.encodebytes(bytes(range(60))))
print(base64.decodebytes(b"AAECAwQFBgcICQ==\n"))
for bad in ["abc", "a===", "!!!!", "YQ"]:
    try:
        print(repr(bad), base64.b64decode(bad, validate=True))
    except binascii.Error as e:
        print(repr(bad), "binascii.Error:", e)
print(base64.b64decode("YWJj!!ZA==", validate=False), base64.b64decode("YQ=="), base64.b64decode(b"YWI="))
for bad in [lambda: base64.b32decode("ABC"), lambda: base64.b16decode("0g"), lambda: base64.b85decode(b"~~~~~"), lambda: base64.a85decode(b"z~>x")]:
    try:
        bad()
    except (binascii.Error, ValueError) as e:
        print(type(e).__name__, e)
print(binascii.hexlify(b"\x01\xabZ"), binascii.hexlify(b"\x01\x02\x03\x04", "-"), binascii.hexlify(b"abcdef", b":", 2), binascii.unhexlify("deadBEEF"))
print(bytes.fromhex("de ad be ef"), b"\xde\xad".hex(), b"\x00\xff\x10".hex(":", -1), bytes(range(5)).hex(" ", 2))
print(binascii.crc32(b"hello world"), binascii.crc32(b"world", binascii.crc32(b"hello ")), hex(binascii.crc32(b"")), binascii.crc_hqx(b"123456789", 0xFFFF))
print(binascii.b2a_base64(b"xyz"), binascii.b2a_base64(b"xyz", newline=False), binascii.a2b_base64(b"eHl6"))
print(binascii.b2a_qp(b"caf\xc3\xa9 = ok\tdone"), binascii.a2b_qp(b"caf=C3=A9 =3D ok"), binascii.b2a_uu(b"uuencode me"))
def chunk(s, n):
    return [s[i:i + n] for i in range(0, len(s), n)]
blob = base64.b64encode(bytes((i * 37 + 11) % 256 for i in range(120))).decode()
print("\n".join(chunk(blob, 64)))
