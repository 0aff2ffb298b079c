module sre-chaos/loadgen

go 1.26
