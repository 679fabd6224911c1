# source: issue 4: build tools in final stage
# expect: DF-008
FROM rockylinux:9
RUN yum install -y git
