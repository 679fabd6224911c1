FROM debian:12
ONBUILD ENV my_password=abcdefghijklmnopqrstuvwxyz
