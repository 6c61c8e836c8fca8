a = 2
b = a * 3
c = [a, b]
c.append(a + b)
text = "total: %d" % sum(c)
print(text)
