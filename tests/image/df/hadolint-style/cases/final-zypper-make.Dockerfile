# source: issue 4: build tools in final stage
# expect: DF-008
FROM opensuse/leap:15.6
RUN zypper install -y make
