
#!/usr/bin/env luajit

print("hello");
