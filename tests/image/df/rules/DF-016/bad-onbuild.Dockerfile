ONBUILD RUN apt-get update && sudo apt-get install -y make
