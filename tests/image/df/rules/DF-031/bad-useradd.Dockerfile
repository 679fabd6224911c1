FROM debian:12
RUN useradd -m -p "$(openssl passwd -1 changeme)" agent
USER 10001
