# source: issue 4: build tools in final stage
# expect: DF-008
FROM fedora:40
RUN dnf install -y gcc
