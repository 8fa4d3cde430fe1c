
    
    

select
    subscription_line_id as unique_field,
    count(*) as n_records

from "warehouse"."staging"."stg_zoom__subscription_lines"
where subscription_line_id is not null
group by subscription_line_id
having count(*) > 1


