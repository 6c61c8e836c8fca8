import csv

rows = [("apples", 3, 1.5), ("pears", 10, 0.25), ("kiwis", 7, 0.4)]
with open("sales.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["item", "count", "price"])
    w.writerows(rows)
total = 0.0
with open("sales.csv", newline="") as f:
    for row in csv.DictReader(f):
        total += int(row["count"]) * float(row["price"])
with open("report.txt", "w") as out:
    out.write("total %.2f\n" % total)
print(open("report.txt").read(), end="")
print(open("sales.csv", "rb").read())
with open("sales.csv", "a", newline="") as f:
    csv.writer(f).writerow(["figs", 1, 2.0])
print(sum(1 for _ in open("sales.csv")))
