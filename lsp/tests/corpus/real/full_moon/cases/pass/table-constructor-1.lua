local x = {
}