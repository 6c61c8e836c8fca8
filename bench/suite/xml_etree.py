# xml.etree: parse (expat), iterate, find, serialize.
# half: train
import xml.etree.ElementTree as ET

DOC = "<root>" + "".join(
    '<item id="%d" kind="k%d"><name>item %d</name><price>%d.50</price><tags><t>a</t><t>b</t></tags></item>'
    % (i, i % 5, i, i) for i in range(2000)) + "</root>"


def bench():
    root = ET.fromstring(DOC)
    total = sum(float(p.text) for p in root.iter("price"))
    kinds = len(root.findall(".//item[@kind='k2']"))
    for item in root:
        item.set("seen", "1")
    out = ET.tostring(root, encoding="unicode")
    return round(total, 2), kinds, len(out)
