do
    
end