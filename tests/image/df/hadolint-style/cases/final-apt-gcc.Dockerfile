# source: issue 4: build tools in final stage
# expect: DF-008
FROM debian:12
RUN apt-get update && apt-get install -y gcc make
