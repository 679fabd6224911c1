FROM debian:12
RUN wget -qO- https://example.com/install.sh \
    | sudo -E bash -
RUN sh -c "$(curl -fsSL https://example.com/install.sh)"
USER 10001
