
    
    

select
    reconciliation_key as unique_field,
    count(*) as n_records

from "warehouse"."marts"."zoho_commission_reconciliation"
where reconciliation_key is not null
group by reconciliation_key
having count(*) > 1


