
    
    



select country
from "warehouse"."reference"."adobe_country_regions"
where country is null


