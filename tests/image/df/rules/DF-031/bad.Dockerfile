FROM debian:12
RUN useradd -m agent && echo "agent:changeme" | chpasswd
USER 10001
