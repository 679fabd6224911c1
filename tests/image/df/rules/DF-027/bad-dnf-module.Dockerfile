FROM fedora:40
RUN microdnf module install -y tomcat && microdnf clean all
