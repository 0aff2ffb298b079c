module entry

go 1.23
