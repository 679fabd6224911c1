FROM debian:12
RUN sudo apt-get update
USER 10001
