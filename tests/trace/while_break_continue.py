i = 0
found = []
while True:
    i += 1
    if i % 2 == 0:
        continue
    if i > 7:
        break
    found.append(i)
print(found)
