FROM debian:12
# a system account without a password; "chpasswd" in a string is not a command
RUN useradd -r -u 10001 -s /usr/sbin/nologin agent && echo "no chpasswd here"
USER 10001
