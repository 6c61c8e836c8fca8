total = 0
for i in range(4):
    total += i
    if i == 2:
        total *= 2
print(total)
