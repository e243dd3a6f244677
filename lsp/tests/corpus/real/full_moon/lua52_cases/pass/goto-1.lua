for i=1, 10 do
	if i == 5 then
		goto done
	end
end
::done::