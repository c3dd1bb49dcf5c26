# Data shipped with the app (region list, fonts). A package so that importlib.resources
# finds it the same way in a source checkout, an installed wheel and a frozen build.
