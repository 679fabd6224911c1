FROM rockylinux:9
RUN yum install -y gcc-c++-1.1.1 openssl-1:1.1.1k "git-core-${GIT_VER}" && dnf module install -y tomcat:9 && yum clean all
