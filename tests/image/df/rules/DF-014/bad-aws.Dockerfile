ARG AWS_ACCESS_KEY_ID
FROM debian:bullseye
ENV my_password=abcdefghijklmnopqrstuvwxyz
RUN foobar
