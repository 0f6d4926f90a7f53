// Resource model: see the folders per API group.
